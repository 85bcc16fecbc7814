# spate_module(NAME SRCS ... DEPS ...)
#   Declares the library spate_<NAME> for the module in the current folder. DEPS are the
#   targets it may use; the link graph is the module dependency graph.
function(spate_module name)
  cmake_parse_arguments(arg "" "" "SRCS;DEPS" ${ARGN})
  if(arg_SRCS)
    add_library(spate_${name} STATIC ${arg_SRCS})
    target_include_directories(spate_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(spate_${name} PUBLIC ${arg_DEPS})
  else()
    add_library(spate_${name} INTERFACE)
    target_include_directories(spate_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(spate_${name} INTERFACE ${arg_DEPS})
  endif()
  add_library(spate::${name} ALIAS spate_${name})
endfunction()

# spate_test(NAME SRCS ... DEPS ...)
#   A GoogleTest executable registered with CTest, one test per TEST(), labelled "unit".
#   (Further labels go on the directory: set_property(DIRECTORY PROPERTY LABELS ...), since
#   gtest_discover_tests cannot pass a list through PROPERTIES.)
function(spate_test name)
  cmake_parse_arguments(arg "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${arg_SRCS})
  target_link_libraries(${name} PRIVATE ${arg_DEPS} GTest::gtest GTest::gtest_main)
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit TIMEOUT 300)
endfunction()

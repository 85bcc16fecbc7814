# cmake -DNPM=... -DDIR=... -DSTAMP=... -P npm_ci.cmake
#   Runs `npm ci` in DIR when DIR/node_modules is missing or older than DIR/package-lock.json
#   (npm ci writes node_modules/.package-lock.json last, so it marks a finished install), then
#   touches STAMP so the build knows the packages are in place.
set(marker "${DIR}/node_modules/.package-lock.json")
if(NOT EXISTS "${marker}" OR "${DIR}/package-lock.json" IS_NEWER_THAN "${marker}")
  message(STATUS "console: npm ci in ${DIR}")
  execute_process(COMMAND "${NPM}" ci --no-audit --no-fund
                  WORKING_DIRECTORY "${DIR}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "console: `npm ci` failed in ${DIR} (exit ${rc})")
  endif()
  file(TOUCH "${marker}")
endif()
file(TOUCH "${STAMP}")

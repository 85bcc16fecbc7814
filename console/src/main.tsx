import { render } from "preact";
import { LocationProvider, Router, Route, useLocation } from "preact-iso";
import { topics_page } from "./pages/topics";
import { pipelines_page } from "./pages/pipelines";
import { sql_page } from "./pages/sql";
import { view_page } from "./pages/view";
import { dead_letters_page } from "./pages/dead_letters";
import "uplot/dist/uPlot.min.css";
import "./style.css";

const nav_items: { href: string; label: string }[] = [
  { href: "/topics", label: "Topics" },
  { href: "/pipelines", label: "Pipelines" },
  { href: "/sql", label: "SQL" },
  { href: "/views", label: "View" },
  { href: "/dead-letters", label: "Dead letters" },
];

// The top navigation; the current page's link is marked.
function top_nav() {
  const { path } = useLocation();
  return (
    <header class="top">
      <a class="brand" href="/topics">
        spate
      </a>
      <nav>
        {nav_items.map((item) => (
          <a key={item.href} href={item.href} class={path === item.href || path.startsWith(item.href + "/") ? "active" : ""}>
            {item.label}
          </a>
        ))}
      </nav>
    </header>
  );
}

function not_found() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No page here. Start at <a href="/topics">Topics</a>.
      </p>
    </section>
  );
}

function app() {
  const Nav = top_nav;
  return (
    <LocationProvider>
      <Nav />
      <main>
        <Router>
          <Route path="/" component={topics_page} />
          <Route path="/topics" component={topics_page} />
          <Route path="/pipelines" component={pipelines_page} />
          <Route path="/sql" component={sql_page} />
          <Route path="/views" component={view_page} />
          <Route path="/views/:name" component={view_page} />
          <Route path="/dead-letters" component={dead_letters_page} />
          <Route path="/dead-letters/:topic" component={dead_letters_page} />
          <Route default component={not_found} />
        </Router>
      </main>
    </LocationProvider>
  );
}

const App = app;
render(<App />, document.getElementById("app")!);

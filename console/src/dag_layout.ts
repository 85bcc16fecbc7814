import { Graph, layout } from "@dagrejs/dagre";

export interface laid_node {
  id: number;
  x: number; // top-left corner
  y: number;
  width: number;
  height: number;
}

export interface laid_edge {
  from: number;
  to: number;
  points: { x: number; y: number }[];
}

export interface dag_drawing {
  nodes: laid_node[];
  edges: laid_edge[];
  width: number;
  height: number;
}

// Lays out a pipeline's operator DAG top to bottom with dagre. Edges naming unknown ids are
// left out (the server's DAG is trusted to be acyclic; dagre copes with cycles anyway).
export function layout_dag(ids: number[], edges: [number, number][], node_width: number, node_height: number): dag_drawing {
  const g = new Graph();
  g.setGraph({ rankdir: "TB", nodesep: 30, ranksep: 40, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Set(ids);
  for (const id of ids) g.setNode(String(id), { width: node_width, height: node_height });
  const kept = edges.filter(([a, b]) => known.has(a) && known.has(b));
  for (const [a, b] of kept) g.setEdge(String(a), String(b));
  layout(g);
  const nodes = ids.map((id) => {
    const n = g.node(String(id));
    return { id, x: n.x - node_width / 2, y: n.y - node_height / 2, width: node_width, height: node_height };
  });
  const laid_edges = kept.map(([a, b]) => ({ from: a, to: b, points: (g.edge(String(a), String(b))?.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })) }));
  const graph = g.graph();
  return { nodes, edges: laid_edges, width: graph.width ?? node_width, height: graph.height ?? node_height };
}

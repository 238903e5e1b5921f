// The state graph of an execution, drawn from its ASL definition (docs/architecture.md
// "Dashboard"): a layered layout from StartAt following Next, Choices, Default and Catch
// edges (back edges of loops are set aside so every other edge points down); Parallel
// branches and Map iterators are nested groups laid out the same way. Each state is
// coloured as Step Functions colours it, from the execution's event history.
import { h, s } from './dom.js';

const NODE_W = 184;
const NODE_H = 42;
const GAP_X = 28;
const GAP_Y = 46;
const GROUP_PAD = 14;
const GROUP_HEAD = 26;

export const STATUS_LABELS = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  caught: 'Caught error',
  running: 'In progress',
  notreached: 'Not reached',
};

const RANK = { notreached: 0, succeeded: 1, caught: 2, running: 3, failed: 4 };

function record(map, name) {
  if (!map.has(name)) {
    map.set(name, { status: 'notreached', retries: 0, entered: 0, input: undefined, output: undefined, error: null, cause: null });
  }
  return map.get(name);
}

//! What happened to each state, from an execution's history: name → {status, retries,
//! entered, input, output, error, cause}.
export function stateStatuses(history) {
  const states = new Map();
  let current = null;
  for (const event of history || []) {
    const type = String(event.type || '');
    const d = event.details && typeof event.details === 'object' ? event.details : {};
    if (type.endsWith('StateEntered') && typeof d.name === 'string') {
      current = record(states, d.name);
      current.status = type === 'FailStateEntered' ? 'failed' : 'running';
      current.entered += 1;
      current.input = d.input;
      if (type === 'FailStateEntered') current.output = undefined;
    } else if (type.endsWith('StateExited') && typeof d.name === 'string') {
      const st = record(states, d.name);
      st.status = d.caught ? 'caught' : 'succeeded';
      if (d.caught) st.error = st.error || d.caught;
      st.output = d.output;
    } else if (type === 'TaskStarted' && current) {
      current.retries = Math.max(current.retries, Number(d.attempt) || 0);
    } else if ((type === 'TaskFailed' || type === 'TaskTimedOut' || type.endsWith('StateFailed')) && current) {
      current.error = d.error ?? current.error;
      current.cause = d.cause ?? current.cause;
    } else if (['ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted'].includes(type) && current) {
      if (current.status === 'running') current.status = 'failed';
      current.error = current.error ?? d.error;
      current.cause = current.cause ?? d.cause;
    }
  }
  return states;
}

//! Merges `more` (a child execution's statuses) into `into`, the worse status winning.
export function mergeStatuses(into, more) {
  for (const [name, st] of more) {
    const have = into.get(name);
    if (!have || RANK[st.status] > RANK[have.status]) into.set(name, { ...st });
  }
  return into;
}

function successors(state) {
  const out = [];
  if (!state || typeof state !== 'object') return out;
  if (typeof state.Next === 'string') out.push({ to: state.Next, kind: 'next' });
  if (Array.isArray(state.Choices)) {
    for (const c of state.Choices) if (c && typeof c.Next === 'string') out.push({ to: c.Next, kind: 'choice' });
  }
  if (typeof state.Default === 'string') out.push({ to: state.Default, kind: 'default' });
  if (Array.isArray(state.Catch)) {
    for (const c of state.Catch) {
      if (c && typeof c.Next === 'string') {
        out.push({ to: c.Next, kind: 'catch', label: Array.isArray(c.ErrorEquals) ? c.ErrorEquals.join(', ') : '' });
      }
    }
  }
  if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') out.push({ to: '__end', kind: 'next' });
  return out;
}

function nestedMachines(state) {
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) return state.Branches;
  if (state.Type === 'Map') {
    const it = state.ItemProcessor || state.Iterator;
    if (it && typeof it === 'object') return [it];
  }
  return [];
}

// Lays out one state machine; returns {width, height, nodes, edges} in its own
// coordinates. Nodes are {name, state, x, y, w, h, children: [layout…]}.
function layoutMachine(machine, depth) {
  const states = machine && typeof machine.States === 'object' && machine.States ? machine.States : {};
  const names = Object.keys(states);
  const nodes = new Map();
  nodes.set('__start', { name: '__start', terminal: 'Start', w: 70, h: 28 });
  for (const name of names) {
    const state = states[name] || {};
    const children = depth < 4 ? nestedMachines(state).map((m) => layoutMachine(m, depth + 1)) : [];
    let w = NODE_W;
    let ht = NODE_H;
    if (children.length) {
      w = Math.max(NODE_W, children.reduce((a, c) => a + c.width, 0) + GAP_X * (children.length - 1) + 2 * GROUP_PAD);
      ht = GROUP_HEAD + Math.max(...children.map((c) => c.height)) + 2 * GROUP_PAD;
    }
    nodes.set(name, { name, state, w, h: ht, children });
  }
  nodes.set('__end', { name: '__end', terminal: 'End', w: 70, h: 28 });

  const edges = [];
  if (typeof machine.StartAt === 'string' && nodes.has(machine.StartAt)) edges.push({ from: '__start', to: machine.StartAt, kind: 'next' });
  for (const name of names) {
    for (const e of successors(states[name])) if (nodes.has(e.to)) edges.push({ from: name, ...e });
  }

  // Back edges (found by a depth-first walk from the start) do not constrain layers.
  const out = new Map([...nodes.keys()].map((n) => [n, []]));
  edges.forEach((e, i) => out.get(e.from).push(i));
  const colour = new Map();
  const visit = (n) => {
    colour.set(n, 1);
    for (const i of out.get(n)) {
      const t = edges[i].to;
      if (colour.get(t) === 1) edges[i].back = true;
      else if (!colour.get(t)) visit(t);
    }
    colour.set(n, 2);
  };
  visit('__start');
  for (const n of nodes.keys()) if (!colour.get(n)) visit(n);

  // Longest path from the start: each node one layer below its lowest predecessor.
  const layer = new Map([...nodes.keys()].map((n) => [n, 0]));
  for (let round = 0; round < nodes.size; round += 1) {
    let changed = false;
    for (const e of edges) {
      if (e.back || e.to === '__end') continue;
      if (layer.get(e.to) < layer.get(e.from) + 1) {
        layer.set(e.to, layer.get(e.from) + 1);
        changed = true;
      }
    }
    if (!changed) break;
  }
  layer.set('__end', Math.max(...[...layer.entries()].filter(([n]) => n !== '__end').map(([, l]) => l)) + 1);

  const layers = [];
  for (const [n, l] of layer) (layers[l] ||= []).push(n);
  // Order within a layer: a few barycentre sweeps against the layer above.
  const position = new Map();
  layers.forEach((row) => row.forEach((n, i) => position.set(n, i)));
  for (let sweep = 0; sweep < 4; sweep += 1) {
    for (let l = 1; l < layers.length; l += 1) {
      const row = layers[l] || [];
      const centre = new Map(row.map((n) => {
        const preds = edges.filter((e) => e.to === n && !e.back && layer.get(e.from) < l).map((e) => position.get(e.from));
        return [n, preds.length ? preds.reduce((a, b) => a + b, 0) / preds.length : position.get(n)];
      }));
      row.sort((a, b) => centre.get(a) - centre.get(b));
      row.forEach((n, i) => position.set(n, i));
    }
  }

  const rowWidths = layers.map((row) => (row || []).reduce((a, n) => a + nodes.get(n).w, 0) + GAP_X * Math.max(0, (row || []).length - 1));
  const width = Math.max(...rowWidths, NODE_W) + 2 * GAP_X;
  let y = 10;
  layers.forEach((row, l) => {
    const rowH = Math.max(...(row || []).map((n) => nodes.get(n).h), 0);
    let x = (width - rowWidths[l]) / 2;
    for (const n of row || []) {
      const node = nodes.get(n);
      node.x = x;
      node.y = y + (rowH - node.h) / 2;
      x += node.w + GAP_X;
    }
    y += rowH + GAP_Y;
  });
  return { width, height: y - GAP_Y + 10, nodes, edges, layers };
}

function nodeLabel(node) {
  const type = node.state && node.state.Type ? node.state.Type : '';
  const shown = node.name.length > 24 ? `${node.name.slice(0, 23)}…` : node.name;
  return { shown, type };
}

// The layer each node of a layout is in.
function layerOf(layout) {
  const at = new Map();
  layout.layers.forEach((row, l) => (row || []).forEach((n) => at.set(n, l)));
  return at;
}

// A downward edge as a path. An edge that skips layers passes each layer in between through
// a gap: where the straight line would cross a state's box, it bends round that box's
// nearer side, so no edge is ever drawn behind a state.
function downwardPath(layout, e, ox, oy, start, end) {
  const at = layout.layerOf || (layout.layerOf = layerOf(layout));
  const from = at.get(e.from);
  const to = at.get(e.to);
  const points = [start];
  for (let l = from + 1; l < to; l += 1) {
    const row = (layout.layers[l] || []).map((n) => layout.nodes.get(n));
    if (!row.length) continue;
    const top = oy + Math.min(...row.map((n) => n.y)) - 6;
    const bottom = oy + Math.max(...row.map((n) => n.y + n.h)) + 6;
    const t = (top - start[1]) / Math.max(1, end[1] - start[1]);
    let x = start[0] + (end[0] - start[0]) * t;
    const margin = GAP_X / 2;
    const blocking = row.find((n) => x > ox + n.x - margin && x < ox + n.x + n.w + margin);
    if (blocking) {
      const left = ox + blocking.x - margin;
      const right = ox + blocking.x + blocking.w + margin;
      x = x - left < right - x ? left : right;
    }
    points.push([x, top], [x, bottom]);
  }
  points.push(end);
  let d = `M ${points[0][0]} ${points[0][1]}`;
  for (let i = 1; i < points.length; i += 1) {
    const [ax, ay] = points[i - 1];
    const [bx, by] = points[i];
    if (i % 2 === 0 && i < points.length - 1) {
      d += ` L ${bx} ${by}`; // straight down through a layer's gap
    } else {
      const mid = (ay + by) / 2;
      d += ` C ${ax} ${mid}, ${bx} ${mid}, ${bx} ${by}`;
    }
  }
  return d;
}

function drawMachine(layout, ox, oy, statuses, onSelect, parent) {
  for (const e of layout.edges) {
    const a = layout.nodes.get(e.from);
    const b = layout.nodes.get(e.to);
    const x1 = ox + a.x + a.w / 2;
    const y1 = oy + a.y + a.h;
    const x2 = ox + b.x + b.w / 2;
    const y2 = oy + b.y;
    let d;
    if (e.back) {
      const side = ox + Math.max(a.x + a.w, b.x + b.w) + GAP_X / 2;
      d = `M ${ox + a.x + a.w} ${oy + a.y + a.h / 2} C ${side + 30} ${oy + a.y + a.h / 2}, ${side + 30} ${oy + b.y + b.h / 2}, ${ox + b.x + b.w} ${oy + b.y + b.h / 2}`;
    } else {
      d = downwardPath(layout, e, ox, oy, [x1, y1], [x2, y2 - 2]);
    }
    const taken = statuses && statuses.get(e.from) && statuses.get(e.from).status !== 'notreached'
      && (e.to === '__end' || (statuses.get(e.to) && statuses.get(e.to).status !== 'notreached'));
    const path = s('path', { d, class: `edge ${e.kind}${taken ? ' taken' : ''}`, 'marker-end': 'url(#arrow)' });
    if (e.kind === 'catch' && e.label) path.append(s('title', {}, `Catch: ${e.label}`));
    parent.append(path);
  }
  for (const node of layout.nodes.values()) {
    const x = ox + node.x;
    const y = oy + node.y;
    if (node.terminal) {
      parent.append(s('g', { class: 'terminal' },
        s('rect', { x, y, width: node.w, height: node.h, rx: node.h / 2 }),
        s('text', { x: x + node.w / 2, y: y + node.h / 2 + 4, 'text-anchor': 'middle' }, node.terminal)));
      continue;
    }
    const st = (statuses && statuses.get(node.name)) || { status: 'notreached', retries: 0 };
    const { shown, type } = nodeLabel(node);
    const typeLine = st.retries ? `${type} · ${st.retries} ${st.retries === 1 ? 'retry' : 'retries'}` : type;
    const visible = node.children.length ? `${shown} · ${type}` : `${shown} ${typeLine}`;
    // The accessible name (the SVG <title>) starts with the visible text, then the status.
    const label = `${visible}, ${STATUS_LABELS[st.status]}`;
    const g = s('g', {
      class: `state ${st.status}${node.children.length ? ' group' : ''}`, tabindex: '0', role: 'button',
      'data-state': node.name, 'data-status': st.status,
    });
    g.append(s('title', {}, label));
    g.append(s('rect', { x, y, width: node.w, height: node.h, rx: 6 }));
    if (node.children.length) {
      g.append(s('text', { x: x + 10, y: y + 17, class: 'name' }, `${shown} · ${type}`));
      parent.append(g);
      let cx = x + GROUP_PAD;
      for (const child of node.children) {
        drawMachine(child, cx, y + GROUP_HEAD + GROUP_PAD, statuses, onSelect, parent);
        cx += child.width + GAP_X;
      }
    } else {
      g.append(s('text', { x: x + node.w / 2, y: y + 18, 'text-anchor': 'middle', class: 'name' }, shown));
      g.append(s('text', { x: x + node.w / 2, y: y + 33, 'text-anchor': 'middle', class: 'type' }, typeLine));
      parent.append(g);
    }
    const select = () => onSelect(node.name);
    g.addEventListener('click', select);
    g.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        select();
      }
    });
  }
}

export function legend() {
  return h('ul', { class: 'legend', 'aria-label': 'Legend' },
    Object.entries(STATUS_LABELS).map(([k, v]) => h('li', {}, h('span', { class: `swatch ${k}`, 'aria-hidden': 'true' }), v)));
}

//! The SVG graph of `definition`, coloured by `statuses` (stateStatuses()); `onSelect(name)`
//! runs when a state is clicked or chosen with Enter.
export function stateGraph(definition, statuses, onSelect) {
  const layout = layoutMachine(definition || {}, 0);
  const svg = s('svg', {
    class: 'graph', viewBox: `0 0 ${layout.width + 40} ${layout.height}`, width: layout.width + 40, height: layout.height,
    role: 'group', 'aria-label': 'State graph of this execution',
  });
  svg.append(s('defs', {}, s('marker', {
    id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '9', markerHeight: '9', markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse',
  }, s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }))));
  drawMachine(layout, 0, 0, statuses, onSelect || (() => {}), svg);
  return svg;
}

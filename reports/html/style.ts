// The report's stylesheet: plain CSS, light and dark, readable when printed.

export const PAGE_STYLE = `
:root { color-scheme: light dark; --fg: #1d2433; --muted: #5b6478; --bg: #fff; --panel: #f5f7fb; --line: #dde2ec;
  --pass: #1a7f37; --fail: #c62828; --error: #8e24aa; --skip: #6b7280; --accent: #2f6fde; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ef; --muted: #9aa3b5; --bg: #12151c; --panel: #1b202a; --line: #2c3342; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 1280px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 18px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px; white-space: pre-wrap; word-break: break-word; max-height: 420px; overflow: auto; margin: 4px 0; }
.muted { color: var(--muted); } .warn { color: var(--fail); } .ci { color: var(--muted); font-size: 12px; }
.status { font-size: 13px; padding: 2px 8px; border-radius: 10px; vertical-align: middle; background: var(--panel); border: 1px solid var(--line); }
.status-completed { color: var(--pass); } .status-failed, .status-interrupted, .status-partial { color: var(--fail); }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 12px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 120px; }
.card-value { font-size: 20px; font-weight: 600; } .card-label { color: var(--muted); } .card-note { color: var(--muted); font-size: 11.5px; max-width: 180px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
table.overview td { white-space: nowrap; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; }
figure { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px; }
figcaption { font-weight: 600; margin-bottom: 6px; }
.chart { position: relative; height: 300px; }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 8px 0; }
select, input, button { font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line); border-radius: 5px; padding: 3px 6px; }
button { cursor: pointer; } button:disabled { opacity: .5; cursor: default; }
table.cases tbody tr { cursor: pointer; } table.cases tbody tr:hover { background: var(--panel); } table.cases tr.selected { outline: 2px solid var(--accent); }
.o-passed { color: var(--pass); font-weight: 600; } .o-failed { color: var(--fail); font-weight: 600; } .o-errored { color: var(--error); font-weight: 600; } .o-unscored, .s-skipped { color: var(--skip); }
.s-error { color: var(--error); }
.pager { margin: 8px 0; }
#drill { margin-top: 14px; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
#drill h3 { margin-top: 12px; } .msg { border-left: 3px solid var(--line); padding-left: 8px; margin: 8px 0; } .msg-role { font-weight: 600; text-transform: uppercase; font-size: 11px; color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; } dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
`;

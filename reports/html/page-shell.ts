// What every Lunar page shares: the document around it (its Content-Security-Policy as a meta
// element, the stylesheet, header and main), and the case table's frame that the run report's
// and the comparison's scripts fill (count line, table, pager, drill-down). The title is escaped
// here; header, main and tail are markup the caller has escaped already.

import { escapeHtml as e } from './escape.ts';

export interface PageParts {
  title: string;
  csp: string;
  style: string;
  header: string;
  main: string;
  /** After main: the data block and the inlined scripts. */
  tail?: string;
}

export function htmlPage(parts: PageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(parts.csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(parts.title)}</title>
<style>${parts.style}</style>
</head>
<body>
<header>
${parts.header}
</header>
<main>
${parts.main}
</main>
${parts.tail ?? ''}</body>
</html>
`;
}

/** The case table's frame: #case-count, #case-table, the pager and #drill, filled by the page's script. */
export function caseTableFrame(): string {
  return `<p id="case-count" class="muted"></p>
<div class="scroll"><table id="case-table" class="cases"><thead></thead><tbody></tbody></table></div>
<div class="pager"><button id="page-prev" type="button">previous</button> <span id="page-info"></span> <button id="page-next" type="button">next</button></div>
<div id="drill" hidden></div>`;
}

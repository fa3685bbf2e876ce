// Documents an outside caller can send straight to RenderService, each trying to reach past
// its own render: navigate the page, schedule a navigation for later, nest documents that
// do, reach the network or the file system. `probe` is an HTTP server that must never be hit.

export function hostileDocuments(probe: string): Record<string, string> {
  return {
    "meta refresh at once to the network": `<meta http-equiv="refresh" content="0;url=${probe}/refresh">hi`,
    "meta refresh in 1 s to the network": `<meta http-equiv="refresh" content="1;url=${probe}/later">hi`,
    "meta refresh to itself": `<meta http-equiv="refresh" content="0">hi`,
    "meta refresh in 1 s to about:blank": `<META HTTP-EQUIV="Refresh" CONTENT="1; URL=about:blank">hi`,
    "meta refresh to a data: document": `<meta http-equiv="refresh" content="0;url=data:text/html,<p>replaced</p>">hi`,
    "data: iframe": `<iframe src="data:text/html,<p>inner</p>"></iframe>`,
    "data: iframe that refreshes": `<iframe src="data:text/html,<meta http-equiv=refresh content='0;url=${probe}/frame'>"></iframe>`,
    "srcdoc iframe that refreshes": `<iframe srcdoc="&lt;meta http&#45;equiv=refresh content='0;url=${probe}/srcdoc'&gt;in"></iframe>`,
    "frameset of data: frames": `<frameset cols="50%,50%"><frame src="data:text/html,a"><frame src="${probe}/frame"></frameset>`,
    "object and embed of HTML": `<object data="data:text/html,<p>obj</p>"></object><embed src="data:text/html,emb"><object data="${probe}/obj"></object>`,
    "base href, form, links and images to the network": `<base href="${probe}/"><form action="${probe}/form" method="post"><input name="a" value="b"><button>go</button></form>
      <img src="img.png"><link rel="stylesheet" href="style.css"><link rel="prefetch" href="${probe}/prefetch"><a href="${probe}/a" target="_blank">x</a>`,
    "window.location and a file: iframe": `<script>window.location = "${probe}/script";</script><iframe src="file:///etc/hostname"></iframe>`,
  };
}

/** An ordinary invoice-sized document whose PDF says which request it was. */
export function ordinaryDocument(marker: string): string {
  const rows = Array.from({ length: 10 }, (_, i) => `<tr><td>Line ${i + 1}</td><td>1</td><td>12,50 €</td></tr>`).join("");
  return `<!doctype html><html><head><meta charset="utf-8"><style>body{font-family:sans-serif}</style></head>
    <body><h1>${marker}</h1><table>${rows}</table></body></html>`;
}

/** A table of `rows` rows: the document that took the renderer past 4 GB. */
export function tableDocument(rows: number, cell = "x"): string {
  const body = Array.from({ length: rows }, (_, i) => `<tr><td>${i}</td><td>${cell}</td></tr>`).join("");
  return `<html><body><table>${body}</table></body></html>`;
}

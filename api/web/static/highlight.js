/* Find phone numbers, addresses and names in transcript text, so the ticket page can mark
 * them. Speech recognition writes numbers in Chinese numerals and spells addresses
 * differently from the normalised entities, so besides exact matches of the ticket's
 * entities this uses patterns (digit runs, "…区…路…号", "我叫XX", "X先生") and the longest
 * stretch an extracted address shares with the text. */
"use strict";

const Highlight = (() => {
  const DIGIT = "0-9０-９零〇一二三四五六七八九幺腰两";
  const SEP = "[\\s\\-—－，,、]{0,2}";
  const HAN = "\\u4e00-\\u9fff";
  // 小区, 社区, 园区 … end in 区 but are not districts (as in api/places.py).
  const NOT_DISTRICT = "小社园校街景厂营城片";
  const PATTERNS = [
    // Seven or more digits, possibly grouped: 13931857264, 幺三九，三幺八五，七二六四.
    { kind: "phone", re: new RegExp(`[${DIGIT}](?:${SEP}[${DIGIT}]){6,}`, "g"), group: 0 },
    // District or county, then a road or street, then an optional house number.
    {
      kind: "address",
      re: new RegExp(`[${HAN}]{1,4}?(?<![${NOT_DISTRICT}])[区县][${HAN}]{1,8}?(?:大街|路|街|道|巷)(?:[${DIGIT}百千十]{1,8}号)?`, "g"),
      group: 0,
    },
    { kind: "name", re: new RegExp(`(?:我叫|名叫|名字是|名字叫|姓名[:：]?)([${HAN}]{2,3})`, "g"), group: 1 },
    { kind: "name", re: new RegExp(`(?:我姓|免贵姓)([${HAN}])(?![名])`, "g"), group: 1 },
    { kind: "name", re: new RegExp(`([${HAN}])(?=先生|女士|小姐|师傅|阿姨|大爷)`, "g"), group: 1 },
  ];
  const MIN_ADDRESS_OVERLAP = 4;

  function patternRanges(text) {
    const out = [];
    for (const { kind, re, group } of PATTERNS) {
      re.lastIndex = 0;
      let m;
      while ((m = re.exec(text)) !== null) {
        const value = m[group];
        const start = m.index + m[0].indexOf(value);
        out.push({ start, end: start + value.length, kind });
        if (m[0].length === 0) re.lastIndex++;
      }
    }
    return out;
  }

  function literalRanges(text, needle, kind) {
    const out = [];
    if (!needle || needle.length < 2) return out;
    let i = text.indexOf(needle);
    while (i >= 0) {
      out.push({ start: i, end: i + needle.length, kind });
      i = text.indexOf(needle, i + needle.length);
    }
    return out;
  }

  /* The longest substring of `a` that occurs in `text` (dynamic programming, short strings). */
  function longestShared(a, text) {
    let best = { len: 0, end: 0 };
    let prev = new Array(text.length + 1).fill(0);
    for (let i = 1; i <= a.length; i++) {
      const cur = new Array(text.length + 1).fill(0);
      for (let j = 1; j <= text.length; j++) {
        if (a[i - 1] === text[j - 1]) {
          cur[j] = prev[j - 1] + 1;
          if (cur[j] > best.len) best = { len: cur[j], end: j };
        }
      }
      prev = cur;
    }
    return best.len ? { start: best.end - best.len, end: best.end } : null;
  }

  /* Non-overlapping ranges {start, end, kind}, in order; earlier and longer ones win. */
  function ranges(text, entities) {
    const ents = entities || {};
    let found = patternRanges(text);
    for (const phone of ents.phones || []) found = found.concat(literalRanges(text, phone, "phone"));
    for (const name of ents.names || []) found = found.concat(literalRanges(text, name, "name"));
    for (const address of ents.addresses || []) {
      const shared = longestShared(address, text);
      if (shared && shared.end - shared.start >= MIN_ADDRESS_OVERLAP) found.push({ ...shared, kind: "address" });
    }
    found.sort((x, y) => x.start - y.start || (y.end - y.start) - (x.end - x.start));
    const out = [];
    for (const r of found) {
      const last = out[out.length - 1];
      if (last && r.start < last.end) {
        if (r.end > last.end && r.kind === last.kind) last.end = r.end;
        continue;
      }
      out.push({ ...r });
    }
    return out;
  }

  const TITLES = { phone: "电话号码", address: "地址", name: "姓名" };

  /* A fragment with the text and <mark class="ent ent-KIND"> around each range. */
  function render(text, entities) {
    const frag = document.createDocumentFragment();
    let pos = 0;
    for (const r of ranges(text, entities)) {
      if (r.start > pos) frag.append(document.createTextNode(text.slice(pos, r.start)));
      const mark = document.createElement("mark");
      mark.className = "ent ent-" + r.kind;
      mark.dataset.kind = r.kind;
      mark.title = TITLES[r.kind];
      mark.textContent = text.slice(r.start, r.end);
      frag.append(mark);
      pos = r.end;
    }
    if (pos < text.length) frag.append(document.createTextNode(text.slice(pos)));
    return frag;
  }

  return { ranges, render, longestShared };
})();

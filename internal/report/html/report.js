// The matrix of a trailwatch report: drawn from the data embedded in the
// page, a page of accounts at a time (all of them up to a thousand),
// sorted by account or by a control's status, filtered by status,
// control and a search box. No request leaves the page.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("data").textContent);
  var names = { P: "PASS", F: "FAIL", E: "ERROR", W: "WAIVED", "-": "none" };
  var rank = { F: 0, E: 1, W: 2, P: 3, "-": 4 };
  var pageSize = data.accounts.length <= 1000 ? Math.max(data.accounts.length, 1) : 100;
  var body = document.querySelector("#matrix tbody");
  var status = document.getElementById("f-status");
  var control = document.getElementById("f-control");
  var search = document.getElementById("f-search");
  var shown = document.getElementById("shown");
  var pager = document.getElementById("pager");
  var sortKey = "account", sortDir = 1, page = 0, printing = false;

  // What each account's results say, for the search box: the reasons,
  // names and fixes of its results that are not a PASS.
  var text = {}, anchors = {};
  document.querySelectorAll("article.result").forEach(function (a) {
    var id = a.getAttribute("data-account");
    text[id] = (text[id] || "") + " " + a.textContent.toLowerCase();
    anchors[a.id] = true;
  });

  function matches(acct) {
    var st = status.value, ctl = control.value, q = search.value.trim().toLowerCase();
    var cells = acct.cells;
    if (st) {
      var want = function (c) { return st === "bad" ? c !== "P" && c !== "-" : c === st; };
      if (ctl !== "") {
        if (!want(cells.charAt(+ctl))) return false;
      } else if (!cells.split("").some(want)) {
        return false;
      }
    }
    if (q && acct.id.indexOf(q) < 0 && (text[acct.id] || "").indexOf(q) < 0) return false;
    return true;
  }

  function sorted(list) {
    return list.slice().sort(function (a, b) {
      var d = 0;
      if (sortKey !== "account") d = rank[a.cells.charAt(+sortKey)] - rank[b.cells.charAt(+sortKey)];
      if (d === 0) d = a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      return d * sortDir;
    });
  }

  function cell(acct, i) {
    var c = acct.cells.charAt(i);
    var td = document.createElement("td");
    td.className = "s-" + c;
    td.title = data.controls[i] + ": " + names[c];
    if (c !== "-" && anchors["r-" + acct.id + "-" + data.controls[i]]) {
      var a = document.createElement("a");
      a.href = "#r-" + acct.id + "-" + data.controls[i];
      a.textContent = names[c];
      td.appendChild(a);
    } else {
      td.textContent = c === "P" ? "PASS" : "";
    }
    if (control.value !== "" && +control.value !== i) td.classList.add("dim");
    return td;
  }

  function draw() {
    var rows = sorted(data.accounts.filter(matches));
    var pages = Math.max(1, Math.ceil(rows.length / pageSize));
    if (page >= pages) page = pages - 1;
    var from = printing ? 0 : page * pageSize, to = printing ? rows.length : Math.min(rows.length, from + pageSize);
    var frag = document.createDocumentFragment();
    for (var r = from; r < to; r++) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      var b = document.createElement("button");
      b.type = "button";
      b.className = "account";
      b.textContent = rows[r].id;
      b.setAttribute("data-account", rows[r].id);
      th.appendChild(b);
      tr.appendChild(th);
      for (var i = 0; i < data.controls.length; i++) tr.appendChild(cell(rows[r], i));
      frag.appendChild(tr);
    }
    body.replaceChildren(frag);
    shown.textContent = rows.length + " of " + data.accounts.length + " accounts" + (pages > 1 && !printing ? ", page " + (page + 1) + " of " + pages : "");
    pager.replaceChildren();
    if (pages > 1 && !printing) {
      [["first", 0], ["previous", page - 1], ["next", page + 1], ["last", pages - 1]].forEach(function (p) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = p[0];
        btn.disabled = p[1] < 0 || p[1] >= pages || p[1] === page;
        btn.onclick = function () { page = p[1]; draw(); };
        pager.appendChild(btn);
      });
    }
    document.querySelectorAll("#matrix thead th").forEach(function (th) {
      var key = th.querySelector("button").getAttribute("data-sort");
      if (key === sortKey) th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
    // The results follow the filters too.
    var q = search.value.trim().toLowerCase(), ctl = control.value, st = status.value;
    document.querySelectorAll("article.result").forEach(function (a) {
      var s = a.className.match(/s-(\w)/)[1];
      var hide = (ctl !== "" && a.getAttribute("data-control") !== data.controls[+ctl]) ||
        (st && st !== "bad" && s !== st) || (st === "bad" && s === "P") || (q && a.textContent.toLowerCase().indexOf(q) < 0);
      a.classList.toggle("hidden", !!hide);
    });
  }

  function open(article) {
    article.classList.add("open");
    article.querySelector(".toggle").setAttribute("aria-expanded", "true");
  }

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (t.closest && t.closest("button.toggle")) {
      var art = t.closest("article.result");
      var on = !art.classList.contains("open");
      art.classList.toggle("open", on);
      art.querySelector(".toggle").setAttribute("aria-expanded", on ? "true" : "false");
    } else if (t.matches && t.matches("td a")) {
      var target = document.getElementById(t.getAttribute("href").slice(1));
      if (target) { target.classList.remove("hidden"); open(target); }
    } else if (t.matches && t.matches("button.account")) {
      var id = t.getAttribute("data-account");
      var first = null;
      document.querySelectorAll("article.result").forEach(function (a) {
        if (a.getAttribute("data-account") === id) { a.classList.remove("hidden"); open(a); first = first || a; }
      });
      if (first) first.scrollIntoView();
    } else if (t.matches && t.matches("th button[data-sort]")) {
      var key = t.getAttribute("data-sort");
      sortDir = key === sortKey ? -sortDir : 1;
      sortKey = key;
      page = 0;
      draw();
    } else if (t.matches && t.matches("button.copy")) {
      var code = t.closest(".fix").querySelector("code").textContent;
      if (navigator.clipboard) navigator.clipboard.writeText(code);
      t.textContent = "Copied";
    }
  });
  [status, control].forEach(function (el) { el.addEventListener("change", function () { page = 0; draw(); }); });
  search.addEventListener("input", function () { page = 0; draw(); });
  // Printed, the matrix is whole and every result open (the stylesheet
  // opens them).
  window.addEventListener("beforeprint", function () { printing = true; draw(); });
  window.addEventListener("afterprint", function () { printing = false; draw(); });
  if (location.hash) {
    var target = document.getElementById(location.hash.slice(1));
    if (target) open(target);
  }
  draw();
})();

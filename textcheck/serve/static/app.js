/* textcheck serve: the page's behaviour, vanilla JS, no network besides the form posts.
   Report text is never inserted as HTML: the server renders and escapes it; this script only moves,
   clones and toggles elements, and writes plain strings with textContent. */
(function () {
  "use strict";

  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var maxBytes = parseInt(document.body.dataset.maxBytes || "0", 10);
  var maxMb = document.body.dataset.maxMb || "";

  function mb(n) { return (n / 1048576).toFixed(1).replace(/\.0$/, ""); }

  function showError(text) {
    var box = $(".alert");
    if (!box) {
      box = document.createElement("div");
      box.className = "alert";
      box.setAttribute("role", "alert");
      var strong = document.createElement("strong");
      strong.textContent = "无法完成：";
      var span = document.createElement("span");
      span.className = "alert-text";
      box.appendChild(strong);
      box.appendChild(span);
      var main = $("main");
      main.insertBefore(box, main.firstChild);
    }
    $(".alert-text", box).textContent = text;
  }

  function tooLarge(files) {
    for (var i = 0; i < files.length; i++) {
      if (maxBytes && files[i].size > maxBytes) {
        return "文件“" + files[i].name + "”大小 " + mb(files[i].size) + " MB，超过上限 " + maxMb +
          " MB；年度报告通常不超过 1 MB，请确认文件是否正确（启动服务时可用 --max-size 调整上限）";
      }
    }
    return "";
  }

  /* ---- upload forms: drag and drop, chosen names, size check, busy note ---- */
  function chosen(label, input) {
    var out = $("[data-chosen]", label);
    if (!out) return;
    var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
    out.textContent = names.length > 3 ? "已选择 " + names.length + " 个文件" : (names.length ? "已选择：" + names.join("、") : "");
  }

  function submitForm(form) {
    var err = tooLarge($$("input[type=file]", form).reduce(function (acc, i) { return acc.concat(Array.prototype.slice.call(i.files)); }, []));
    if (err) { showError(err); return false; }
    $$("[data-busy]", form).forEach(function (b) { b.hidden = false; });
    $$("button[type=submit]", form).forEach(function (b) { b.disabled = true; });
    return true;
  }

  $$("form").forEach(function (form) {
    form.addEventListener("submit", function (e) { if (!submitForm(form)) e.preventDefault(); });
  });

  $$("[data-drop]").forEach(function (label) {
    var input = $("input[type=file]", label);
    if (!input) return;
    ["dragenter", "dragover"].forEach(function (ev) {
      label.addEventListener(ev, function (e) { e.preventDefault(); label.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      label.addEventListener(ev, function () { label.classList.remove("over"); });
    });
    label.addEventListener("drop", function (e) {
      e.preventDefault();
      var files = e.dataTransfer && e.dataTransfer.files;
      if (!files || !files.length) return;
      if (!input.multiple && files.length > 1) {
        var dt = new DataTransfer();
        dt.items.add(files[0]);
        files = dt.files;
      }
      input.files = files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    input.addEventListener("change", function () {
      chosen(label, input);
      if (input.hasAttribute("data-autosubmit") && input.files.length) {
        var form = input.form;
        if (submitForm(form)) form.submit();
      }
    });
  });

  /* ---- downloads and printing ---- */
  $$("[data-download-json]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var holder = document.getElementById(btn.dataset.downloadJson);
      if (!holder) return;
      var text = JSON.parse(holder.textContent);  /* the exact text of `textcheck check -f json` */
      var url = URL.createObjectURL(new Blob([text], { type: "application/json;charset=utf-8" }));
      var a = document.createElement("a");
      a.href = url;
      a.download = btn.dataset.filename || "textcheck.json";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
  });
  $$("[data-print]").forEach(function (btn) { btn.addEventListener("click", function () { window.print(); }); });

  /* ---- the report page: marks, cards, the pop-up ---- */
  var pop = $("#pop");

  function flash(el) {
    if (!el) return;
    el.classList.remove("flash");
    void el.offsetWidth;
    el.classList.add("flash");
  }

  function clearSelection() {
    $$(".sel").forEach(function (el) { el.classList.remove("sel"); });
    $$(".ln.related").forEach(function (el) { el.classList.remove("related"); });
  }

  function select(fid, scroll) {
    clearSelection();
    var card = document.getElementById("card-" + fid);
    if (card) card.classList.add("sel");
    var marks = $$('[data-f~="' + fid + '"], .ln[data-g~="' + fid + '"]');
    marks.forEach(function (el) { el.classList.add("sel"); });
    $$('.ln[data-r~="' + fid + '"]').forEach(function (el) { el.classList.add("related"); });
    if (scroll) {
      var target = marks[0] || (card && card.dataset.anchor && document.getElementById(card.dataset.anchor));
      if (target) { target.scrollIntoView({ behavior: "smooth", block: "center" }); flash(target); }
    }
    if (card && !scroll) card.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }

  function openPop(fids, near) {
    if (!pop) return;
    var body = $(".pop-body", pop);
    while (body.firstChild) body.removeChild(body.firstChild);
    fids.forEach(function (fid) {
      var card = document.getElementById("card-" + fid);
      if (!card) return;
      var copy = card.cloneNode(true);  /* already-escaped elements, cloned: no HTML parsing */
      copy.removeAttribute("id");
      copy.classList.remove("sel");
      copy.removeAttribute("tabindex");
      body.appendChild(copy);
    });
    var r = near.getBoundingClientRect();
    pop.hidden = false;
    var left = Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - pop.offsetWidth - 12);
    pop.style.left = Math.max(8, left) + "px";
    pop.style.top = (window.scrollY + r.bottom + 6) + "px";
  }

  function closePop() { if (pop) pop.hidden = true; }

  var text = $("#text");
  if (text) {
    text.addEventListener("click", function (e) {
      var mark = e.target.closest("mark[data-f]");
      var fids;
      if (mark) {
        fids = mark.dataset.f.split(" ");
      } else {
        var line = e.target.closest(".ln[data-g]");
        if (!line || !e.target.closest(".no")) return;
        fids = line.dataset.g.split(" ");
        mark = line;
      }
      e.stopPropagation();
      select(fids[0], false);
      openPop(fids, mark);
    });
  }

  $$(".side .card, .cards-scroll .card").forEach(function (card) {
    function go(e) {
      if (e.target.closest("a")) return;
      closePop();
      var anchor = card.dataset.anchor;
      if (text) { select(card.dataset.fid, true); return; }
      clearSelection();
      card.classList.add("sel");
      var row = anchor && document.getElementById(anchor);
      if (row) { row.scrollIntoView({ behavior: "smooth", block: "center" }); flash(row); }
    }
    card.addEventListener("click", go);
    card.addEventListener("keydown", function (e) { if (e.key === "Enter") go(e); });
  });

  document.addEventListener("click", function (e) {
    var jump = e.target.closest("[data-jump]");
    if (jump) {
      var el = document.getElementById(jump.dataset.jump);
      if (el) { e.preventDefault(); closePop(); el.scrollIntoView({ behavior: "smooth", block: "center" }); flash(el); }
      return;
    }
    if (pop && !pop.hidden && !e.target.closest("#pop")) closePop();
  });
  if (pop) $(".pop-close", pop).addEventListener("click", closePop);
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { closePop(); clearSelection(); } });

  /* ---- compare: show only carried paragraphs ---- */
  $$("[data-only-carried]").forEach(function (box) {
    box.addEventListener("change", function () { document.body.classList.toggle("only-carried", box.checked); });
  });

  /* ---- batch: sort and filter the table ---- */
  var table = $("table.sortable");
  if (table) {
    var tbody = table.tBodies[0];
    var heads = $$("thead th", table);
    heads.forEach(function (th, col) {
      th.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var numeric = th.dataset.sort === "num";
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].dataset.v !== undefined ? a.cells[col].dataset.v : a.cells[col].textContent.trim();
          var y = b.cells[col].dataset.v !== undefined ? b.cells[col].dataset.v : b.cells[col].textContent.trim();
          if (x === "" && y !== "") return 1;
          if (y === "" && x !== "") return -1;
          var c = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y, "zh-CN");
          return asc ? c : -c;
        });
        rows.forEach(function (r) { tbody.appendChild(r); });
      });
    });
    var q = $("[data-filter-text]"), st = $("[data-filter-status]"), lv = $("[data-filter-level]"),
      band = $("[data-filter-band]"), errs = $("[data-filter-errors]"), count = $("[data-filter-count]");
    var apply = function () {
      var needle = q ? q.value.trim().toLowerCase() : "";
      var shown = 0;
      Array.prototype.forEach.call(tbody.rows, function (r) {
        var ok = (!needle || r.dataset.search.toLowerCase().indexOf(needle) >= 0) &&
          (!st || !st.value || r.dataset.status === st.value) &&
          (!lv || !lv.value || r.dataset.level === lv.value) &&
          (!band || !band.value || r.dataset.band === band.value) &&
          (!errs || !errs.checked || parseInt(r.dataset.errors, 10) > 0);
        r.hidden = !ok;
        if (ok) shown++;
      });
      if (count) count.textContent = "显示 " + shown + " / " + tbody.rows.length + " 份";
    };
    [q, st, lv, band, errs].forEach(function (el) { if (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); } });
    apply();
  }
})();

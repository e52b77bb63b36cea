// Progressive enhancement of the portal's forms. Without this script every form still works:
// it posts to /forms/… and the server answers with a receipt or with the form and its errors.
// With it: submit with fetch() to the JSON API, show errors next to fields, never lose input.
(function () {
  "use strict";

  function randomId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // Form fields named with dotted paths ("contact.mobile") become nested JSON.
  function toJson(form) {
    var data = {};
    var skip = { idempotency_key: 1, website: 1, attachments: 1 };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || skip[el.name] || el.disabled || el.closest("[hidden]")) return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      var value = el.value;
      if (value === "") return;
      if (el.type === "number" || el.hasAttribute("data-number")) value = /^-?\d{1,9}$/.test(value.trim()) ? Number(value) : value;
      var path = el.name.split("."), node = data;
      for (var i = 0; i < path.length - 1; i++) node = node[path[i]] = node[path[i]] || {};
      var key = path[path.length - 1];
      if (el.type === "checkbox" && el.hasAttribute("data-boolean")) node[key] = true;
      else if (el.type === "checkbox") (node[key] = node[key] || []).push(value);
      else node[key] = value;
    });
    return data;
  }

  function showErrors(form, message, errors) {
    Array.prototype.forEach.call(form.querySelectorAll(".portal-field-error"), function (p) { p.hidden = true; p.textContent = ""; });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
    var summary = form.querySelector("[data-summary]");
    var list = "";
    Object.keys(errors || {}).forEach(function (name) {
      var slot = document.getElementById("err-" + name);
      var field = document.getElementById("f-" + name);
      if (slot) { slot.textContent = errors[name]; slot.hidden = false; }
      if (field) field.setAttribute("aria-invalid", "true");
      list += "<li><a href=\"#f-" + escapeHtml(name) + "\">" + escapeHtml(errors[name]) + "</a></li>";
    });
    summary.innerHTML = "<p><strong>" + escapeHtml(message) + "</strong></p>" + (list ? "<ul>" + list + "</ul>" : "");
    summary.hidden = false;
    summary.focus();
  }

  // Once the person edits a field, its old error no longer describes what is there.
  function clearOwnError(event) {
    var box = event.target.closest && event.target.closest("[data-field]");
    if (!box) return;
    var slot = document.getElementById("err-" + box.dataset.field);
    if (slot) { slot.hidden = true; slot.textContent = ""; }
    var field = document.getElementById("f-" + box.dataset.field);
    if (field) field.removeAttribute("aria-invalid");
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  function receipt(form, kind, body) {
    var box = document.createElement("div");
    box.className = "portal-receipt";
    box.setAttribute("role", "status");
    box.tabIndex = -1;
    if (kind === "petition") {
      box.className += " portal-printable";
      box.innerHTML = "<h2>提交成功：信访事项回执</h2><dl><dt>受理编号</dt><dd data-reference>" + escapeHtml(body.reference) +
        "</dd><dt>查询码</dt><dd data-query-code>" + escapeHtml(body.query_code) + "</dd><dt>受理单位</dt><dd>" +
        escapeHtml(body.handling_unit) + "</dd><dt>登记时间</dt><dd>" + escapeHtml(String(body.received || "").slice(0, 16).replace("T", " ")) +
        "</dd></dl>" +
        "<p class=\"portal-warning\">请立即抄写、打印或截图保存受理编号和查询码。查询码只显示这一次；如果选择了短信通知，丢失后可凭受理编号和手机号码重新获取。</p>" +
        "<p><button type=\"button\" class=\"md-button\" data-copy-receipt>复制受理编号和查询码</button> " +
        "<button type=\"button\" class=\"md-button\" data-print>打印回执</button></p>" +
        "<p>凭受理编号和查询码可以在<a href=\"/petition/track/\">办理进度查询</a>查看办理情况。当前状态：" +
        escapeHtml(body.stage_label) + "。</p>";
    } else {
      box.innerHTML = "<h2>提交成功</h2><p>感谢您的参与，我们已收到您提交的内容。</p>";
    }
    form.parentNode.replaceChild(box, form);
    box.focus();
  }

  // Attachments: ask for a presigned upload, send the file there, keep the returned id.
  function uploadAll(form) {
    var input = form.querySelector("input[type=file]");
    var files = input ? Array.prototype.slice.call(input.files) : [];
    if (files.length > 5) return Promise.reject({ errors: { attachments: "最多上传 5 个附件" } });
    return files.reduce(function (chain, file) {
      return chain.then(function (ids) {
        return fetch("/api/uploads", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ filename: file.name.slice(0, 200), content_type: file.type, size: file.size })
        }).then(function (r) {
          return r.json().then(function (b) { if (!r.ok) throw { errors: { attachments: file.name + "：" + b.message } }; return b; });
        }).then(function (ticket) {
          var data = new FormData();
          Object.keys(ticket.fields).forEach(function (k) { data.append(k, ticket.fields[k]); });
          data.append("file", file);
          return fetch(ticket.url, { method: "POST", body: data }).then(function (r) {
            if (!r.ok) throw { errors: { attachments: file.name + "：上传失败，请重试" } };
            return ids.concat([{ id: ticket.id, name: file.name.slice(0, 200) }]);
          });
        });
      });
    }, Promise.resolve([]));
  }

  function enhance(form) {
    var key = form.querySelector("[data-idempotency]");
    if (key && !key.value) key.value = randomId();
    var page = form.querySelector("[data-page]");
    if (page && !page.value) {
      var from = new URLSearchParams(location.search).get("page") || (document.referrer && new URL(document.referrer).origin === location.origin ? new URL(document.referrer).pathname : "");
      page.value = from;
    }
    // A survey answer needs a token the server signs; this browser keeps its one token per survey.
    var respondent = form.querySelector("[data-respondent]");
    var tokenReady = Promise.resolve();
    if (respondent && !respondent.value) {
      var name = "portal-respondent-" + form.dataset.survey;
      var kept = null;
      try { kept = localStorage.getItem(name); } catch (e) { kept = null; }
      if (kept) respondent.value = kept;
      else tokenReady = fetch("/api/surveys/" + encodeURIComponent(form.dataset.survey) + "/token")
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (b) {
          if (!b) return;
          respondent.value = b.token;
          try { localStorage.setItem(name, b.token); } catch (e) { /* private mode: the form still works */ }
        }).catch(function () { /* offline: the form posts without it and the server hands one out */ });
    }
    Array.prototype.forEach.call(form.querySelectorAll(".portal-js-only"), function (el) { el.hidden = false; });
    conditions(form);
    counters(form);
    form.addEventListener("input", clearOwnError);
    form.addEventListener("change", clearOwnError);
    if (!form.dataset.api) return;  // e.g. tracking: a plain POST keeps the code out of URLs
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      var body;
      var send = tokenReady.then(function () {
        body = toJson(form);
        return form.dataset.kind === "petition" ? uploadAll(form) : [];
      }).then(function (files) {
        if (!files.length) return;
        body.attachments = files.map(function (f) { return f.id; });
        body.attachment_names = {};
        files.forEach(function (f) { body.attachment_names[f.id] = f.name; });
      });
      send.then(function () {
        return fetch(form.dataset.api, {
          method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": key.value },
          body: JSON.stringify(body)
        });
      }).then(function (response) {
        return response.json().then(function (answer) {
          if (response.ok) return receipt(form, form.dataset.kind, answer);
          showErrors(form, answer.message || "提交未成功，请检查后重试", answer.errors);
          if (response.status === 409 && /Idempotency-Key/.test(answer.message || "")) key.value = randomId();
        });
      }).catch(function (problem) {
        showErrors(form, problem && problem.errors ? "附件未能上传" : "网络连接异常，已填写的内容仍在，请稍后再次提交",
                   problem && problem.errors);
      }).then(function () { button.disabled = false; });
    });
  }

  // Survey questions shown only for a given earlier answer.
  function conditions(form) {
    var dependents = form.querySelectorAll("[data-show-if]");
    if (!dependents.length) return;
    function update() {
      Array.prototype.forEach.call(dependents, function (box) {
        var chosen = Array.prototype.filter.call(form.querySelectorAll("[name=\"" + box.dataset.showIf + "\"]"), function (el) {
          return (el.type === "radio" || el.type === "checkbox") ? el.checked : true;
        }).map(function (el) { return el.value; });
        box.hidden = chosen.indexOf(box.dataset.showValue) < 0;
        var note = box.querySelector(".portal-condition");
        if (note) note.hidden = true;
      });
      renumber(form);
    }
    form.addEventListener("change", update);
    update();
  }

  // Number the questions that are shown 1, 2, 3 …: a hidden conditional question leaves no gap.
  function renumber(form) {
    var n = 0;
    Array.prototype.forEach.call(form.querySelectorAll(".portal-question[data-position]"), function (box) {
      if (box.hidden) return;
      n += 1;
      var title = box.querySelector("legend, .portal-field > label");
      if (!title || !title.firstChild || title.firstChild.nodeType !== 3) return;
      title.firstChild.nodeValue = title.firstChild.nodeValue.replace(/^\d+\. /, n + ". ");
    });
  }

  function counters(form) {
    Array.prototype.forEach.call(form.querySelectorAll("textarea[data-counter]"), function (area) {
      var out = document.createElement("p");
      out.className = "portal-counter";
      out.setAttribute("aria-live", "polite");
      area.parentNode.insertBefore(out, area.nextSibling);
      function update() { out.textContent = "已输入 " + area.value.length + " / " + area.maxLength + " 字"; }
      area.addEventListener("input", update);
      update();
    });
  }

  // Receipts: copy the two codes, print the page (the print stylesheet leaves only the receipt).
  document.addEventListener("click", function (event) {
    var copy = event.target.closest && event.target.closest("[data-copy-receipt]");
    var print = event.target.closest && event.target.closest("[data-print]");
    if (print) { window.print(); return; }
    if (!copy) return;
    var box = copy.closest(".portal-receipt");
    var text = "受理编号：" + box.querySelector("[data-reference]").textContent + "\n查询码：" +
      box.querySelector("[data-query-code]").textContent;
    var done = function () { copy.textContent = "已复制"; };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, function () {});
  });
  Array.prototype.forEach.call(document.querySelectorAll(".portal-receipt .portal-js-only"), function (el) { el.hidden = false; });
  Array.prototype.forEach.call(document.querySelectorAll("form.portal-form"), enhance);
})();

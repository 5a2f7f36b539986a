/*
 * wagtail-privacy: cookie consent banner and settings dialog (no dependencies, no build step).
 *
 * Markup: <div data-privacy-cookies data-api="/api/privacy/v1/cookies/" data-locale="sl"></div>
 * (data-locale is optional: without it the page's <html lang> is used, and followed when a
 * single-page shop changes it). Any element with data-cookie-settings opens the dialog.
 * Scripts written as <script type="text/plain" data-cookie-category="statistics" ...> run only
 * once the visitor allowed their category: a real copy of each is inserted then. A withdrawal
 * takes effect at the next page load (a script that ran cannot be taken back).
 *
 * Every text comes from the API (`texts`, categories), in the reader's language; a
 * `data-text-<name>` attribute of the container fills a text the API does not send.
 *
 * window.wagtailPrivacyCookies: { open(), reload(), allowed(key), choices() }; the document
 * receives a "privacy-cookies:change" event (detail: { choices }) after each load and save.
 */
(function () {
  "use strict";

  var DEFAULT_API = "/api/privacy/v1/cookies/";
  var ACTIVATED = "data-cookie-activated";
  var sequence = 0;

  function uid(name) {
    sequence += 1;
    return "privacy-cookies-" + name + "-" + sequence;
  }

  function el(tag, attrs) {
    var node = document.createElement(tag);
    var name;
    for (name in attrs || {}) {
      if (!Object.prototype.hasOwnProperty.call(attrs, name)) continue;
      var value = attrs[name];
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    var children = Array.prototype.slice.call(arguments, 2);
    children.flat().forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    });
    return node;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function Consent(root) {
    this.root = root;
    this.api = root.getAttribute("data-api") || DEFAULT_API;
    this.data = null;
    this.loading = null;
    this.opener = null;
    this.banner = null;
    this.dialog = null;
    // A polite live region, there from the start so that what it says is announced. Not
    // role="status": the page's own status messages stay the page's only "status".
    this.status = el("p", {
      className: "privacy-cookies-status",
      "aria-live": "polite",
      "aria-atomic": "true",
      tabindex: "-1",
    });
    this.root.append(this.status);
  }

  Consent.prototype.locale = function () {
    return this.root.getAttribute("data-locale") || document.documentElement.lang || "";
  };

  Consent.prototype.url = function () {
    var url = new URL(this.api, window.location.href);
    var locale = this.locale();
    if (locale) url.searchParams.set("locale", locale);
    return url.toString();
  };

  Consent.prototype.request = function (method, body) {
    var headers = { Accept: "application/json" };
    var locale = this.locale();
    if (locale) headers["Accept-Language"] = locale;
    var options = { method: method, headers: headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      var token = csrfToken();
      if (token) headers["X-CSRFToken"] = token;
      options.body = JSON.stringify(body);
    }
    return fetch(this.url(), options).then(function (response) {
      return response
        .json()
        .catch(function () {
          return null;
        })
        .then(function (data) {
          if (!response.ok) {
            var error = new Error((data && (data.detail || data.code)) || "HTTP " + response.status);
            error.data = data;
            throw error;
          }
          return data;
        });
    });
  };

  Consent.prototype.load = function () {
    var self = this;
    this.loading = this.request("GET").then(function (data) {
      self.update(data);
      return data;
    });
    this.loading.catch(function () {
      // Without an answer nothing is shown and nothing optional runs.
    });
    return this.loading;
  };

  Consent.prototype.update = function (data) {
    var before = this.data ? this.choices() : {};
    this.data = data;
    this.forget(before);
    this.root.setAttribute("lang", this.locale() || document.documentElement.lang || "");
    this.activate();
    this.renderBanner();
    if (this.dialog && this.dialog.open) this.redrawDialog();
    this.root.setAttribute("data-cookie-ready", "");
    document.dispatchEvent(
      new CustomEvent("privacy-cookies:change", { detail: { choices: this.choices() } }),
    );
  };

  // A category withdrawn now: expire the first-party cookies it lists that scripts can reach
  // (those of path "/" on this host). Its scripts stop at the next page load.
  Consent.prototype.forget = function (before) {
    var self = this;
    this.categories().forEach(function (category) {
      if (category.necessary || before[category.key] !== true || self.allowed(category.key)) return;
      (category.cookies || []).forEach(function (item) {
        if (/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(item.name || "")) {
          document.cookie = item.name + "=; max-age=0; path=/; SameSite=Lax";
        }
      });
    });
  };

  Consent.prototype.text = function (name) {
    var texts = (this.data && this.data.texts) || {};
    return texts[name] || this.root.getAttribute("data-text-" + name) || "";
  };

  Consent.prototype.categories = function () {
    return (this.data && this.data.categories) || [];
  };

  Consent.prototype.choices = function () {
    return Object.assign({}, (this.data && this.data.choices) || {});
  };

  Consent.prototype.allowed = function (key) {
    var category = this.categories().filter(function (item) {
      return item.key === key;
    })[0];
    if (!category) return false;
    if (category.necessary) return true;
    return !!(this.data.choices && this.data.choices[key] === true);
  };

  // Categories the visitor still has to decide on (never asked, or changed since).
  Consent.prototype.pending = function () {
    return this.categories().filter(function (item) {
      return !item.necessary && (item.choice === null || item.choice === undefined || item.changed);
    });
  };

  // --- Scripts --------------------------------------------------------------------------

  Consent.prototype.activate = function () {
    var self = this;
    var scripts = document.querySelectorAll('script[type="text/plain"][data-cookie-category]');
    Array.prototype.forEach.call(scripts, function (original) {
      if (original.hasAttribute(ACTIVATED)) return;
      if (!self.allowed(original.getAttribute("data-cookie-category"))) return;
      original.setAttribute(ACTIVATED, "");
      var copy = document.createElement("script");
      Array.prototype.forEach.call(original.attributes, function (attribute) {
        var name = attribute.name;
        if (name === "type" || name === "data-src" || name === "data-type" || name === ACTIVATED) return;
        copy.setAttribute(name, attribute.value);
      });
      var type = original.getAttribute("data-type");
      if (type) copy.type = type;
      var src = original.getAttribute("data-src") || original.getAttribute("src");
      if (src) {
        copy.src = src;
        copy.async = original.hasAttribute("async");
      } else {
        copy.text = original.text;
      }
      original.after(copy);
    });
  };

  // --- Saving -----------------------------------------------------------------------------

  Consent.prototype.save = function (choices, source) {
    var self = this;
    if (this.busy) return Promise.reject(new Error("busy"));
    this.setBusy(true);
    return this.request("PUT", { choices: choices, source: source })
      .then(function (data) {
        self.update(data);
        self.announce(self.text("saved"), false);
        return data;
      })
      .then(
        function (data) {
          self.setBusy(false);
          return data;
        },
        function (error) {
          self.setBusy(false);
          // The API's own message (translated), else the page's (data-text-error).
          var detail = error.data && error.data.detail;
          self.announce(detail || self.text("error") || error.message, true);
          throw error;
        },
      );
  };

  // While a choice is being saved, further clicks wait. The buttons are not disabled: a
  // disabled button loses the focus, and the focus must stay where the visitor is.
  Consent.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.root.setAttribute("aria-busy", busy ? "true" : "false");
  };

  Consent.prototype.announce = function (message, error) {
    var status = this.status;
    status.classList.toggle("privacy-cookies-error", !!error);
    // Emptied first: the same message twice in a row is announced again.
    status.textContent = "";
    window.clearTimeout(this.clearing);
    window.setTimeout(function () {
      status.textContent = message || "";
    }, 50);
    // A confirmation fades after a while; an error stays until the next attempt.
    if (!error) {
      this.clearing = window.setTimeout(function () {
        if (!status.contains(document.activeElement)) status.textContent = "";
      }, 10000);
    }
  };

  Consent.prototype.all = function (keys, granted) {
    var choices = {};
    keys.forEach(function (key) {
      choices[key] = granted;
    });
    return choices;
  };

  function keysOf(categories) {
    return categories.map(function (item) {
      return item.key;
    });
  }

  Consent.prototype.optional = function () {
    return this.categories().filter(function (item) {
      return !item.necessary;
    });
  };

  // --- Banner -----------------------------------------------------------------------------

  Consent.prototype.button = function (label, onclick, name) {
    // Every choice looks the same: one element, one class, one size (none is nudged).
    return el("button", {
      type: "button",
      className: "privacy-cookies-button",
      "data-cookie-action": name,
      onclick: onclick,
      text: label,
    });
  };

  Consent.prototype.policyLink = function () {
    var policy = this.data.policy;
    if (!policy || !policy.url) return null;
    return el("a", { href: policy.url, className: "privacy-cookies-policy" }, this.text("policy_link") || policy.title);
  };

  Consent.prototype.gpcNote = function () {
    if (!this.data.gpc) return null;
    return el("p", { className: "privacy-cookies-gpc", "data-cookie-gpc": "" }, this.text("gpc"));
  };

  Consent.prototype.renderBanner = function () {
    var self = this;
    var hadFocus = this.banner && this.banner.contains(document.activeElement);
    var action = hadFocus && document.activeElement.getAttribute("data-cookie-action");
    if (this.banner) this.banner.remove();
    this.banner = null;
    if (!this.data.show_banner) {
      if (hadFocus) this.status.focus();
      return;
    }
    var pending = this.pending();
    var changed = pending.filter(function (item) {
      return item.changed;
    });
    var titleId = uid("title");
    var introId = uid("intro");
    var intro = el("p", { id: introId }, this.text("intro"));
    var link = this.policyLink();
    if (link) intro.append(" ", link);
    var changedNote = null;
    if (changed.length) {
      changedNote = el(
        "p",
        { className: "privacy-cookies-changed-note", "data-cookie-changed": keysOf(changed).join(" ") },
        el("strong", { className: "privacy-cookies-changed" }, this.text("changed")),
        " ",
        changed
          .map(function (item) {
            return item.name;
          })
          .join(", "),
      );
    }
    this.banner = el(
      "section",
      {
        className: "privacy-cookies-banner",
        "aria-labelledby": titleId,
        "aria-describedby": introId,
        "data-cookie-banner": "",
      },
      el("h2", { id: titleId, className: "privacy-cookies-title" }, this.text("title")),
      intro,
      this.gpcNote(),
      changedNote,
      el(
        "div",
        { className: "privacy-cookies-actions" },
        // Only what is still to decide: a category changed since is asked again on its own.
        this.button(
          this.text("accept_all"),
          function () {
            self.save(self.all(keysOf(self.pending()), true), "banner").catch(function () {});
          },
          "accept-all",
        ),
        this.button(
          this.text("reject_all"),
          function () {
            self.save(self.all(keysOf(self.pending()), false), "banner").catch(function () {});
          },
          "reject-all",
        ),
        this.button(
          this.text("settings"),
          function (event) {
            self.open(event.currentTarget);
          },
          "settings",
        ),
      ),
    );
    this.root.insertBefore(this.banner, this.status);
    // Drawn again (another language, a choice in another tab): the focus stays where it was.
    if (hadFocus) {
      var again = action && this.banner.querySelector('[data-cookie-action="' + action + '"]');
      (again || this.banner.querySelector("button")).focus();
    }
  };

  // --- Settings dialog --------------------------------------------------------------------

  Consent.prototype.buildDialog = function () {
    var self = this;
    var titleId = uid("dialog-title");
    this.dialogTitle = el("h2", { id: titleId, className: "privacy-cookies-title", tabindex: "-1" });
    this.dialogBody = el("div", { className: "privacy-cookies-body" });
    this.form = el(
      "form",
      {
        method: "dialog",
        className: "privacy-cookies-form",
        onsubmit: function (event) {
          event.preventDefault();
          self.saveDialog(self.readForm(), "settings");
        },
      },
      this.dialogBody,
    );
    this.dialog = el(
      "dialog",
      { className: "privacy-cookies-dialog", "aria-labelledby": titleId, "data-cookie-dialog": "" },
      this.dialogTitle,
      this.form,
    );
    // Esc: the browser closes a modal <dialog> ("cancel"); focus goes back where it was.
    this.dialog.addEventListener("close", function () {
      self.restoreFocus();
    });
    this.dialog.addEventListener("click", function (event) {
      // A click on the backdrop (the dialog itself, outside its box) closes it too.
      if (event.target === self.dialog) self.close();
    });
    this.root.insertBefore(this.dialog, this.status);
  };

  Consent.prototype.renderDialogBody = function () {
    var self = this;
    this.dialog.setAttribute("lang", this.root.getAttribute("lang") || "");
    this.dialogTitle.textContent = this.text("dialog_title") || this.text("title");
    var parts = [el("p", { className: "privacy-cookies-intro" }, this.text("intro"))];
    var link = this.policyLink();
    if (link) parts[0].append(" ", link);
    parts.push(this.gpcNote());
    this.categories().forEach(function (category) {
      parts.push(self.categoryFieldset(category));
    });
    parts.push(
      el(
        "div",
        { className: "privacy-cookies-actions" },
        el("button", { type: "submit", className: "privacy-cookies-button", "data-cookie-action": "save" }, this.text("save")),
        this.button(
          this.text("accept_all"),
          function () {
            self.saveDialog(self.all(keysOf(self.optional()), true), "settings");
          },
          "accept-all",
        ),
        this.button(
          this.text("reject_all"),
          function () {
            self.saveDialog(self.all(keysOf(self.optional()), false), "settings");
          },
          "reject-all",
        ),
        this.button(
          this.text("close"),
          function () {
            self.close();
          },
          "close",
        ),
      ),
    );
    this.dialogBody.replaceChildren.apply(this.dialogBody, parts.filter(Boolean));
  };

  // Drawn again while open (another language): what the visitor ticked and the focus stay.
  Consent.prototype.redrawDialog = function () {
    var ticked = this.readForm();
    var focused = document.activeElement;
    var focusKey = focused && this.dialog.contains(focused)
      ? focused.getAttribute("data-cookie-choice") || focused.getAttribute("data-cookie-action")
      : null;
    this.renderDialogBody();
    Array.prototype.forEach.call(this.form.querySelectorAll("input[data-cookie-choice]"), function (input) {
      if (!input.disabled && input.name in ticked) input.checked = ticked[input.name];
    });
    if (focusKey) {
      var again = this.dialog.querySelector(
        '[data-cookie-choice="' + focusKey + '"], [data-cookie-action="' + focusKey + '"]',
      );
      if (again) again.focus();
    }
  };

  Consent.prototype.categoryFieldset = function (category) {
    var inputId = uid("choice-" + category.key);
    var descriptionId = uid("description-" + category.key);
    var described = [descriptionId];
    var input = el("input", {
      type: "checkbox",
      id: inputId,
      name: category.key,
      className: "privacy-cookies-switch",
      "data-cookie-choice": category.key,
      "aria-describedby": null,
    });
    var note = null;
    if (category.necessary) {
      input.checked = true;
      input.disabled = true;
      var noteId = uid("note-" + category.key);
      described.push(noteId);
      note = el("span", { id: noteId, className: "privacy-cookies-note" }, this.text("necessary_note"));
    } else if (this.data.gpc && category.marketing) {
      // Refused by Global Privacy Control: a tick could not be saved, so none is offered.
      input.checked = false;
      input.disabled = true;
      var gpcId = uid("gpc-" + category.key);
      described.push(gpcId);
      note = el("span", { id: gpcId, className: "privacy-cookies-note" }, this.text("gpc"));
    } else {
      input.checked = category.choice === true && !category.changed;
    }
    var flag = null;
    if (category.changed) {
      var flagId = uid("changed-" + category.key);
      described.push(flagId);
      flag = el("strong", { id: flagId, className: "privacy-cookies-changed", "data-cookie-changed": category.key }, this.text("changed"));
    }
    input.setAttribute("aria-describedby", described.join(" "));
    var cookies = (category.cookies || []).map(function (item) {
      var details = [item.provider, item.duration].filter(Boolean).join(", ");
      return el(
        "li",
        null,
        el("code", null, item.name),
        details ? " (" + details + ")" : "",
        item.purpose ? ": " + item.purpose : "",
      );
    });
    return el(
      "section",
      {
        className: "privacy-cookies-category" + (category.changed ? " is-changed" : ""),
        "data-cookie-category-key": category.key,
      },
      el(
        "div",
        { className: "privacy-cookies-category-head" },
        input,
        el("label", { for: inputId, className: "privacy-cookies-label" }, category.name),
        note,
        flag,
      ),
      el("p", { id: descriptionId, className: "privacy-cookies-description" }, category.description),
      cookies.length ? el("ul", { className: "privacy-cookies-list" }, cookies) : null,
    );
  };

  Consent.prototype.readForm = function () {
    var choices = {};
    Array.prototype.forEach.call(this.form.querySelectorAll("input[data-cookie-choice]"), function (input) {
      if (!input.disabled) choices[input.name] = input.checked;
    });
    return choices;
  };

  Consent.prototype.saveDialog = function (choices, source) {
    var self = this;
    this.save(choices, source)
      .then(function () {
        self.close();
      })
      .catch(function () {});
  };

  Consent.prototype.open = function (opener) {
    var self = this;
    this.opener = opener || document.activeElement;
    var ready = this.data ? Promise.resolve(this.data) : this.loading || this.load();
    return ready.then(function () {
      if (!self.dialog) self.buildDialog();
      self.renderDialogBody();
      if (!self.dialog.open) {
        if (typeof self.dialog.showModal === "function") self.dialog.showModal();
        else self.dialog.setAttribute("open", "");
      }
      var first = self.dialog.querySelector("input:not([disabled])") || self.dialogTitle;
      first.focus();
    });
  };

  Consent.prototype.close = function () {
    if (!this.dialog || !this.dialog.open) return;
    if (typeof this.dialog.close === "function") this.dialog.close();
    else {
      this.dialog.removeAttribute("open");
      this.restoreFocus();
    }
  };

  Consent.prototype.restoreFocus = function () {
    var target = this.opener;
    this.opener = null;
    if (target && document.contains(target) && !target.disabled) target.focus();
    else if (this.banner) this.banner.querySelector("button").focus();
    else this.status.focus();
  };

  // --- Start ------------------------------------------------------------------------------

  function start() {
    var root = document.querySelector("[data-privacy-cookies]");
    if (!root) {
      root = el("div", { "data-privacy-cookies": "" });
      document.body.append(root);
    }
    if (root.privacyCookies) return root.privacyCookies;
    var consent = new Consent(root);
    root.privacyCookies = consent;

    document.addEventListener("click", function (event) {
      var opener = event.target.closest && event.target.closest("[data-cookie-settings]");
      if (!opener) return;
      event.preventDefault();
      consent.open(opener).catch(function () {
        // The API did not answer: there is nothing to show.
      });
    });

    // A shop that switches language without a reload (a headless storefront) sets <html lang>:
    // the banner and dialog follow it.
    if (!root.hasAttribute("data-locale") && window.MutationObserver) {
      var lang = document.documentElement.lang;
      new MutationObserver(function () {
        if (document.documentElement.lang === lang) return;
        lang = document.documentElement.lang;
        consent.load();
      }).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
    }

    window.wagtailPrivacyCookies = {
      open: function () {
        return consent.open();
      },
      reload: function () {
        return consent.load();
      },
      allowed: function (key) {
        return consent.allowed(key);
      },
      choices: function () {
        return consent.choices();
      },
    };
    consent.load();
    return consent;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

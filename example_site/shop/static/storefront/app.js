// Lipa & Co. headless storefront: reads the legal documents from the privacy JSON API only.
"use strict";

(function () {
  const API = "/api/privacy/v1";
  const LANGUAGES = ["en", "sl", "sq", "hr"];
  const SHOP_TIME_ZONE = "Europe/Ljubljana";
  const LANGUAGE_NAMES = { en: "English", sl: "Slovenščina", sq: "Shqip", hr: "Hrvatski" };

  const TEXT = {
    en: {
      documents: "Legal documents",
      intro: "Everything on this page comes from the privacy JSON API.",
      loading: "Loading…",
      choose: "Choose a document to read it.",
      version: "Version {number}",
      inEffectSince: "In effect since {date}",
      takesEffect: "Takes effect on {date}",
      published: "published {date}",
      upcomingChange: "Upcoming change: {title}",
      readNew: "Read the new version",
      newVersionSoon: "New version from {date}",
      history: "Version history",
      noVersion: "No version is in effect yet.",
      fallback: "This version is not available in your language; it is shown in {language}.",
      error: "Something went wrong: {detail}",
      status: {
        current: "current",
        upcoming: "upcoming",
        archived: "archived",
        withdrawn: "withdrawn",
      },
    },
    sl: {
      documents: "Pravni dokumenti",
      intro: "Vse na tej strani prihaja iz JSON API-ja za zasebnost.",
      loading: "Nalaganje …",
      choose: "Izberite dokument, ki ga želite prebrati.",
      version: "Različica {number}",
      inEffectSince: "Velja od {date}",
      takesEffect: "Začne veljati {date}",
      published: "objavljeno {date}",
      upcomingChange: "Prihajajoča sprememba: {title}",
      readNew: "Preberite novo različico",
      newVersionSoon: "Nova različica od {date}",
      history: "Zgodovina različic",
      noVersion: "Nobena različica še ne velja.",
      fallback: "Ta različica ni na voljo v vašem jeziku, zato je prikazana v jeziku: {language}.",
      error: "Prišlo je do napake: {detail}",
      status: {
        current: "veljavna",
        upcoming: "prihajajoča",
        archived: "arhivirana",
        withdrawn: "umaknjena",
      },
    },
    sq: {
      documents: "Dokumentet ligjore",
      intro: "Gjithçka në këtë faqe vjen nga API-ja JSON e privatësisë.",
      loading: "Duke u ngarkuar…",
      choose: "Zgjidhni një dokument për ta lexuar.",
      version: "Versioni {number}",
      inEffectSince: "Në fuqi që nga {date}",
      takesEffect: "Hyn në fuqi më {date}",
      published: "publikuar më {date}",
      upcomingChange: "Ndryshim i ardhshëm: {title}",
      readNew: "Lexoni versionin e ri",
      newVersionSoon: "Version i ri nga {date}",
      history: "Historiku i versioneve",
      noVersion: "Ende nuk ka asnjë version në fuqi.",
      fallback: "Ky version nuk është i disponueshëm në gjuhën tuaj; po shfaqet në: {language}.",
      error: "Diçka shkoi keq: {detail}",
      status: {
        current: "në fuqi",
        upcoming: "i ardhshëm",
        archived: "i arkivuar",
        withdrawn: "i tërhequr",
      },
    },
    hr: {
      documents: "Pravni dokumenti",
      intro: "Sve na ovoj stranici dolazi iz JSON API-ja za privatnost.",
      loading: "Učitavanje…",
      choose: "Odaberite dokument koji želite pročitati.",
      version: "Verzija {number}",
      inEffectSince: "Na snazi od {date}",
      takesEffect: "Stupa na snagu {date}",
      published: "objavljeno {date}",
      upcomingChange: "Nadolazeća izmjena: {title}",
      readNew: "Pročitajte novu verziju",
      newVersionSoon: "Nova verzija od {date}",
      history: "Povijest verzija",
      noVersion: "Još nijedna verzija nije na snazi.",
      fallback: "Ova verzija nije dostupna na vašem jeziku pa se prikazuje na jeziku: {language}.",
      error: "Došlo je do pogreške: {detail}",
      status: {
        current: "važeća",
        upcoming: "nadolazeća",
        archived: "arhivirana",
        withdrawn: "povučena",
      },
    },
  };

  const state = {
    lang: initialLanguage(),
    policies: [],
    slug: null,
    number: null,
  };

  // ------------------------------------------------------------------------------------------
  // Helpers

  function initialLanguage() {
    let saved = null;
    try {
      saved = window.localStorage.getItem("lipa-language");
    } catch (error) {
      saved = null;
    }
    if (LANGUAGES.includes(saved)) return saved;
    for (const tag of navigator.languages || [navigator.language || "en"]) {
      const code = String(tag).slice(0, 2).toLowerCase();
      if (LANGUAGES.includes(code)) return code;
    }
    return "en";
  }

  function t(key, params) {
    const value = (TEXT[state.lang] && TEXT[state.lang][key]) || TEXT.en[key];
    return String(value).replace(/\{(\w+)\}/g, (_, name) => (params && name in params ? params[name] : ""));
  }

  function statusLabel(status) {
    return (TEXT[state.lang].status || TEXT.en.status)[status] || status;
  }

  function formatDate(value) {
    const date = new Date(value);
    try {
      // Effective dates are legal dates of a Slovenian shop: show them in its time zone.
      return new Intl.DateTimeFormat(state.lang, { dateStyle: "long", timeZone: SHOP_TIME_ZONE }).format(
        date,
      );
    } catch (error) {
      return date.toLocaleDateString();
    }
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  async function getJSON(path) {
    const separator = path.includes("?") ? "&" : "?";
    const response = await fetch(`${path}${separator}locale=${encodeURIComponent(state.lang)}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok) {
      const detail = (data && (data.detail || data.code)) || `${response.status} ${response.statusText}`;
      throw new Error(detail);
    }
    return data;
  }

  function showError(container, error) {
    container.replaceChildren(el("p", { className: "error", role: "alert" }, t("error", { detail: error.message })));
  }

  // ------------------------------------------------------------------------------------------
  // Rendering

  function renderChrome() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-text]").forEach((node) => {
      node.textContent = t(node.dataset.text);
    });
    document.querySelectorAll("#languages button").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
    });
  }

  function renderBanners() {
    const container = document.getElementById("banners");
    container.replaceChildren(
      ...state.policies
        .filter((policy) => policy.upcoming)
        .map((policy) => {
          const upcoming = policy.upcoming;
          return el(
            "section",
            { className: "banner", "aria-label": t("upcomingChange", { title: policy.title }) },
            el("strong", {}, t("upcomingChange", { title: upcoming.title || policy.title })),
            el(
              "p",
              {},
              `${t("version", { number: upcoming.number })} · ${upcoming.change_level_label} · `,
              t("takesEffect", { date: formatDate(upcoming.effective_at) }),
            ),
            upcoming.summary ? el("p", {}, upcoming.summary) : null,
            el(
              "button",
              { type: "button", onclick: () => go(policy.slug, upcoming.number) },
              t("readNew"),
            ),
          );
        }),
    );
  }

  function renderList() {
    const list = document.getElementById("policy-list");
    list.replaceChildren(
      ...state.policies.map((policy) => {
        const shown = policy.current || policy.upcoming;
        const meta = policy.current
          ? `${t("version", { number: policy.current.number })} · ${t("inEffectSince", {
              date: formatDate(policy.current.effective_at),
            })}`
          : t("noVersion");
        return el(
          "li",
          {},
          el(
            "button",
            {
              type: "button",
              "aria-current": String(policy.slug === state.slug),
              onclick: () => go(policy.slug, null),
            },
            el("span", { className: "title" }, policy.title || (shown && shown.title) || policy.slug),
            policy.kind_label !== policy.title ? el("span", { className: "meta" }, policy.kind_label) : null,
            el("span", { className: "meta" }, meta),
            policy.upcoming
              ? el(
                  "span",
                  { className: "flag" },
                  t("newVersionSoon", { date: formatDate(policy.upcoming.effective_at) }),
                )
              : null,
          ),
        );
      }),
    );
  }

  async function loadPolicies() {
    const list = document.getElementById("policy-list");
    try {
      state.policies = await getJSON(`${API}/policies/`);
    } catch (error) {
      showError(list, error);
      return;
    }
    renderBanners();
    renderList();
  }

  async function loadReader() {
    const reader = document.getElementById("reader");
    if (!state.slug) {
      reader.replaceChildren(el("p", { className: "muted" }, t("choose")));
      return;
    }
    reader.replaceChildren(el("p", { className: "muted" }, t("loading")));
    let detail;
    let version;
    try {
      detail = await getJSON(`${API}/policies/${encodeURIComponent(state.slug)}/`);
      const shown = detail.current || detail.upcoming;
      const number = state.number || (shown && shown.number);
      if (number) {
        version = await getJSON(
          `${API}/policies/${encodeURIComponent(state.slug)}/versions/${encodeURIComponent(number)}/`,
        );
      }
    } catch (error) {
      showError(reader, error);
      return;
    }

    const children = [];
    if (!version) {
      children.push(el("h2", {}, detail.title), el("p", {}, t("noVersion")));
    } else {
      const dates =
        version.status === "upcoming"
          ? t("takesEffect", { date: formatDate(version.effective_at) })
          : t("inEffectSince", { date: formatDate(version.effective_at) });
      children.push(
        el("h2", {}, version.title || detail.title),
        el(
          "p",
          { className: "version-meta" },
          `${t("version", { number: version.number })} · ${version.change_level_label} · ${dates}`,
          el("span", { className: `status status-${version.status}` }, statusLabel(version.status)),
        ),
      );
      if (version.fallback && version.language) {
        children.push(
          el(
            "p",
            { className: "notice" },
            t("fallback", { language: LANGUAGE_NAMES[version.language] || version.language }),
          ),
        );
      }
      if (version.summary && version.number > 1) {
        children.push(el("p", { className: "notice" }, version.summary));
      }
      // The frozen, server-rendered text of this version (trusted HTML from our own API).
      const body = el("div", { className: "policy-body", lang: version.language || state.lang });
      body.innerHTML = version.body_html;
      children.push(body);
    }

    children.push(renderHistory(detail, version ? version.number : null));
    reader.replaceChildren(...children);
  }

  function renderHistory(detail, shownNumber) {
    const items = [...(detail.history || [])].sort((a, b) => b.number - a.number);
    return el(
      "section",
      { className: "history" },
      el("h3", {}, t("history")),
      el(
        "ol",
        {},
        items.map((item) =>
          el(
            "li",
            {},
            el(
              "button",
              {
                type: "button",
                "aria-current": String(item.number === shownNumber),
                onclick: () => go(detail.slug, item.number),
              },
              t("version", { number: item.number }),
            ),
            ` · ${item.change_level_label} · `,
            item.effective_at ? formatDate(item.effective_at) : "",
            el("span", { className: `status status-${item.status}` }, statusLabel(item.status)),
            el(
              "span",
              { className: "summary" },
              [item.summary, t("published", { date: formatDate(item.published_at) })]
                .filter(Boolean)
                .join(" — "),
            ),
          ),
        ),
      ),
    );
  }

  // ------------------------------------------------------------------------------------------
  // Navigation: #slug or #slug/number, so that a version can be linked to.

  function go(slug, number) {
    const hash = number ? `#${slug}/${number}` : `#${slug}`;
    if (window.location.hash === hash) {
      readHash();
      loadReader();
    } else {
      window.location.hash = hash;
    }
  }

  function readHash() {
    const [slug, number] = window.location.hash.replace(/^#/, "").split("/");
    state.slug = slug ? decodeURIComponent(slug) : null;
    state.number = number && /^\d+$/.test(number) ? Number(number) : null;
  }

  function setLanguage(lang) {
    if (!LANGUAGES.includes(lang) || lang === state.lang) return;
    state.lang = lang;
    try {
      window.localStorage.setItem("lipa-language", lang);
    } catch (error) {
      // Storage unavailable (private mode): the choice lasts until the page is reloaded.
    }
    renderChrome();
    loadPolicies();
    loadReader();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("#languages button").forEach((button) => {
      button.addEventListener("click", () => setLanguage(button.dataset.lang));
    });
    window.addEventListener("hashchange", async () => {
      readHash();
      renderList();
      await loadReader();
    });
    readHash();
    renderChrome();
    loadPolicies().then(() => {
      if (!state.slug && state.policies.length) {
        state.slug = state.policies[0].slug;
        renderList();
      }
      loadReader();
    });
  });
})();

// Lipa & Co. headless storefront: the legal documents and the customer's privacy centre,
// from the privacy JSON API only.
"use strict";

(function () {
  const API = "/api/privacy/v1";
  const LOGIN_URL = "/accounts/login/";
  const LOGOUT_URL = "/accounts/logout/";
  const LANGUAGES = ["en", "sl", "sq", "hr"];
  const SHOP_TIME_ZONE = "Europe/Ljubljana";
  const LANGUAGE_NAMES = { en: "English", sl: "Slovenščina", sq: "Shqip", hr: "Hrvatski" };
  const EXPORT_KEY = "lipa-export"; // the id of the customer's latest export, to find it again
  const EXPORT_POLL_MS = 2000;
  // A pending deletion ends the session's access to /me/ (the account is switched off), but this
  // browser can still cancel it: remember when it is due, to offer "Cancel deletion" after a reload.
  const DELETION_KEY = "lipa-deletion";

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
      offline: "The shop cannot be reached. Check your connection and try again.",
      status: {
        current: "current",
        upcoming: "upcoming",
        archived: "archived",
        withdrawn: "withdrawn",
      },
      // Account: the customer's privacy centre
      account: "Your account",
      signIn: "Sign in",
      signOut: "Sign out",
      privacyCentre: "Your privacy centre",
      signedOutIntro:
        "Sign in to accept documents, read your notices, get a copy of your data and follow your requests.",
      attention: "Something is waiting for you in your account",
      attentionAccept: "Please accept: {titles}",
      attentionNotices: "Unread notices: {count}",
      openAccount: "Open your account",
      toAcceptTitle: "Documents to accept",
      acceptIntro: "Please read these documents and accept them to keep using your account.",
      nothingToAccept: "You have accepted everything that is required. Thank you.",
      readIt: "Read it",
      downloadPdf: "Download the PDF",
      whatChanged: "What changed since the version you accepted (version {number})",
      hideChanges: "Hide the changes",
      accept: "Accept version {number}",
      saving: "Saving…",
      accepted: "Thank you: you accepted “{title}”, version {number}.",
      noticesTitle: "Notices of changes",
      noNotices: "You have no notices yet.",
      unread: "new",
      markRead: "Mark as read",
      readOn: "Read on {date}",
      emailedOn: "emailed on {date}",
      verifyTitle: "Confirm it is you",
      notVerified:
        "Before we give you a copy of your data or close your account, confirm it is you with a one-time code.",
      verifiedUntil: "You are verified until {time}.",
      sendCode: "Send me a code",
      codeSent: "We have emailed you a code. Enter it below.",
      codeLabel: "One-time code",
      codeMissing: "Enter the code from the email first.",
      codeHelpOther: "You can also use a code from your authenticator app or a backup code.",
      verifySubmit: "Verify",
      verifiedNow: "Thank you: it is you.",
      exportTitle: "A copy of your data",
      exportIntro:
        "Download everything we keep about you as a ZIP archive (JSON, CSV and an overview you can read).",
      exportStart: "Export my data",
      exportNeedsVerify:
        "Confirm it is you first: ask for a code above, enter it, then export your data again.",
      exportRateLimited: "You asked for a copy recently. You can ask for the next one on {date}.",
      exportWorking: "Preparing your export: {status}…",
      exportReady: "Your export is ready.",
      exportDownload: "Download my data",
      exportExpires: "The link works until {time}; the file is deleted on {date}.",
      exportFailed: "The export failed. Please try again later or write to us.",
      exportExpired: "That export has been deleted. You can ask for a new copy.",
      requestsTitle: "Your requests",
      noRequests: "You have not made any requests yet.",
      colRequest: "Request",
      colStatus: "Status",
      colReceived: "Received",
      colDue: "Answer due by",
      extendedUntil: "extended until {date}",
      closedOn: "closed on {date}",
      correctTitle: "Correct your data",
      correctIntro:
        "Something wrong or out of date? Correct it here. Some details, such as those on invoices, we check before we change them.",
      correctNone: "There is nothing you can correct here.",
      correctSave: "Save",
      correctSaved: "Corrected.",
      correctUnchanged: "Nothing changed.",
      correctPending: "Thank you: we check this change and let you know.",
      correctWaiting: "Waiting for our check: {value}",
      correctChecked: "checked by us first",
      correctNeedsVerify: "Confirm it is you first: ask for a code above, enter it, then save again.",
      correctRecord: "{source} {number}",
      consentsTitle: "What we may send you",
      consentsIntro: "Choose what you agree to. You can change your mind at any time; a change counts at once.",
      consentsNone: "We do not ask for any consent at the moment.",
      consentSince: "since {date}",
      consentWithdrawnOn: "withdrawn on {date}",
      consentConfirmationSent: "confirmation emailed on {date}",
      consentConfirmationPending: "we will email you a confirmation",
      consentWordingVersion: "Wording version {number}",
      consentExpires: "valid until {date}",
      consentWordingChanged: "The wording changed since you agreed to version {agreed} (now version {current}): agree again to keep it.",
      consentExpired: "Your consent expired on {date}: agree again to keep it.",
      consentGranted: "Saved: you agreed to “{name}” by {channel}.",
      consentWithdrawn: "Saved: you withdrew your consent to “{name}” by {channel}.",
      consentObjectable: "You may object: we send this to our customers unless you object.",
      consentObject: "Object",
      consentObjectionWithdraw: "Withdraw my objection",
      consentObjectedOn: "you objected on {date}",
      consentObjectionFinal: "Direct marketing: an objection is final.",
      consentObjected: "Saved: you objected to “{name}” by {channel}.",
      consentObjectionWithdrawn: "Saved: you withdrew your objection to “{name}” by {channel}.",
      consentSuspended: "Paused while the processing of your data is restricted.",
      restrictTitle: "Restrict the processing of my data",
      restrictIntro: "While processing is restricted, we keep your data but pause marketing and profiling; your choices are kept and count again once you lift it.",
      restrictOn: "The processing of your data is restricted since {date}.",
      restrictLiftOn: "We told you we will lift the restriction on {date}. Restrict again to keep it.",
      restrictOff: "The processing of your data is not restricted.",
      restrictStart: "Restrict processing",
      restrictLift: "Lift the restriction",
      restrictDone: "Saved: the processing of your data is restricted.",
      restrictLifted: "Saved: the restriction is lifted.",
      // Closing the account
      closeTitle: "Close my account",
      closeIntro: "Take a break or leave for good. Both need a fresh confirmation that it is you (above).",
      deactivateIntro:
        "Deactivate: we switch your account off at once and keep your data for a while. The link in the email we send you brings it back; if you do not use it in time, we erase your data.",
      deactivateStart: "Deactivate my account",
      deleteIntro:
        "Delete: we first check that nothing stands in the way, such as an unpaid order. Your account is then switched off at once and deleted for good after a grace period, during which you can still cancel.",
      deleteStart: "Delete my account",
      deleteConfirm:
        "Do you really want to delete your account? It is switched off now and deleted for good after the grace period. Until then you can cancel the deletion.",
      closeNeedsVerify: "Confirm it is you first: ask for a code above, enter it, then try again.",
      deactivateDone: "Your account is deactivated and you have been signed out.",
      deactivateKept: "We keep your data until {date}; after that we erase it.",
      deactivateEmail:
        "We have emailed you a link that reactivates your account until then. You can sign in again once you have used it.",
      deletionBlocked: "Your account cannot be deleted yet:",
      deletionScheduled: "Your account will be deleted on {date}.",
      deletionScheduledMore:
        "Until then it is switched off and you cannot sign in. Changed your mind? Cancel the deletion here, or with the link in the email we have sent you.",
      deletionCancel: "Cancel deletion",
      deletionCancelled: "The deletion is cancelled: your account is active again.",
      deletionCancelFailed:
        "We cannot cancel the deletion from this browser. Please use the link in the email we sent you.",
      // Deactivating: the confirmation step
      deactivateConfirmTitle: "Deactivate your account now?",
      deactivateConfirmNow: "Your account is switched off at once and you are signed out everywhere.",
      deactivateConfirmKept:
        "We keep your data for a while and email you a link that brings your account back; we tell you until when.",
      deactivateConfirmErased: "If you do not use the link in time, we erase your data for good.",
      deactivateConfirmYes: "Yes, deactivate my account",
      deactivateConfirmNo: "Keep my account",
      // Reading an upcoming version
      seeChanges: "See what changes",
      acceptNowIntro: "This version takes effect on {date}. You can accept it now or once it takes effect.",
      acceptNow: "Accept version {number} now",
      acceptedEarly: "Thank you: you accepted “{title}”, version {number}. It applies from {date}.",
      acceptedOn: "You accepted this version on {date}.",
      signInToAccept: "Sign in to accept it now",
      guestTitle: "Ordered without an account?",
      guestIntro: "Ask for a copy of the data we keep under your email address, or for its erasure. We email you a link to confirm it is you.",
      guestEmail: "Email address",
      guestKind: "What would you like?",
      guestExport: "A copy of my data",
      guestErasure: "Erase my data",
      guestSubmit: "Send the request",
      guestEmailMissing: "Write the email address you ordered with.",
      declineNow: "Decline version {number}",
      declinedFlash: "You declined “{title}”, version {number}. We keep a record of it.",
      declinedOn: "You declined this version on {date}.",
      declinedUpcoming: "Nothing changes until it takes effect on {date}. Then, to keep using your account, you will need to accept it. You can also download your data or close your account.",
      declinedInEffect: "It is in effect: to keep using your account, accept it. You can also download your data or close your account.",
      declinedTitle: "Versions you declined",
      goToExport: "Download my data",
      goToClosure: "Close my account",
      cookieSettings: "Cookie settings",
      cookieError: "Your choices could not be saved. Please try again.",
      cookieGpc: "Your browser sends a Global Privacy Control signal: we treat it as a refusal of marketing cookies.",
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
      offline: "Trgovina ni dosegljiva. Preverite povezavo in poskusite znova.",
      status: {
        current: "veljavna",
        upcoming: "prihajajoča",
        archived: "arhivirana",
        withdrawn: "umaknjena",
      },
      account: "Vaš račun",
      signIn: "Prijava",
      signOut: "Odjava",
      privacyCentre: "Vaš center za zasebnost",
      signedOutIntro:
        "Prijavite se, da boste lahko sprejeli dokumente, prebrali obvestila, dobili kopijo svojih podatkov in spremljali svoje zahteve.",
      attention: "V vašem računu vas nekaj čaka",
      attentionAccept: "Prosimo, sprejmite: {titles}",
      attentionNotices: "Neprebrana obvestila: {count}",
      openAccount: "Odprite svoj račun",
      toAcceptTitle: "Dokumenti, ki jih morate sprejeti",
      acceptIntro: "Preberite te dokumente in jih sprejmite, da boste lahko še naprej uporabljali svoj račun.",
      nothingToAccept: "Sprejeli ste vse, kar je potrebno. Hvala.",
      readIt: "Preberite",
      downloadPdf: "Prenesite PDF",
      whatChanged: "Kaj se je spremenilo od različice, ki ste jo sprejeli (različica {number})",
      hideChanges: "Skrij spremembe",
      accept: "Sprejmem različico {number}",
      saving: "Shranjevanje …",
      accepted: "Hvala: sprejeli ste dokument »{title}«, različico {number}.",
      noticesTitle: "Obvestila o spremembah",
      noNotices: "Še nimate nobenega obvestila.",
      unread: "novo",
      markRead: "Označi kot prebrano",
      readOn: "Prebrano {date}",
      emailedOn: "poslano po e-pošti {date}",
      verifyTitle: "Potrdite, da ste to vi",
      notVerified:
        "Preden vam damo kopijo vaših podatkov ali zapremo vaš račun, z enkratno kodo potrdite, da ste to res vi.",
      verifiedUntil: "Potrjeni ste do {time}.",
      sendCode: "Pošljite mi kodo",
      codeSent: "Kodo smo vam poslali po e-pošti. Vpišite jo spodaj.",
      codeLabel: "Enkratna koda",
      codeMissing: "Najprej vpišite kodo iz e-poštnega sporočila.",
      codeHelpOther: "Uporabite lahko tudi kodo iz aplikacije za preverjanje pristnosti ali rezervno kodo.",
      verifySubmit: "Potrdi",
      verifiedNow: "Hvala: potrdili ste, da ste to vi.",
      exportTitle: "Kopija vaših podatkov",
      exportIntro:
        "Prenesite vse, kar hranimo o vas, kot arhiv ZIP (JSON, CSV in pregled, ki ga lahko preberete).",
      exportStart: "Izvozi moje podatke",
      exportNeedsVerify:
        "Najprej potrdite, da ste to vi: zgoraj zahtevajte kodo, jo vpišite in nato znova izvozite podatke.",
      exportRateLimited: "Kopijo ste zahtevali pred kratkim. Naslednjo lahko zahtevate {date}.",
      exportWorking: "Pripravljamo vaš izvoz: {status} …",
      exportReady: "Vaš izvoz je pripravljen.",
      exportDownload: "Prenesite moje podatke",
      exportExpires: "Povezava deluje do {time}, datoteko pa izbrišemo {date}.",
      exportFailed: "Izvoz ni uspel. Poskusite znova pozneje ali nam pišite.",
      exportExpired: "Ta izvoz je že izbrisan. Zahtevate lahko novo kopijo.",
      requestsTitle: "Vaše zahteve",
      noRequests: "Še niste oddali nobene zahteve.",
      colRequest: "Zahteva",
      colStatus: "Stanje",
      colReceived: "Prejeto",
      colDue: "Rok za odgovor",
      extendedUntil: "podaljšano do {date}",
      closedOn: "zaključeno {date}",
      correctTitle: "Popravite svoje podatke",
      correctIntro:
        "So kateri podatki napačni ali zastareli? Popravite jih tukaj. Nekatere, na primer podatke na računih, pred spremembo preverimo.",
      correctNone: "Tukaj ni ničesar, kar bi lahko popravili.",
      correctSave: "Shrani",
      correctSaved: "Popravljeno.",
      correctUnchanged: "Nič se ni spremenilo.",
      correctPending: "Hvala: spremembo bomo preverili in vas obvestili.",
      correctWaiting: "Čaka na naše preverjanje: {value}",
      correctChecked: "najprej preverimo",
      correctNeedsVerify: "Najprej potrdite, da ste to vi: zgoraj zahtevajte kodo, jo vpišite in nato znova shranite.",
      correctRecord: "{source} {number}",
      consentsTitle: "Kaj vam smemo pošiljati",
      consentsIntro: "Izberite, s čim se strinjate. Premislite si lahko kadar koli; sprememba velja takoj.",
      consentsNone: "Trenutno ne prosimo za nobeno privolitev.",
      consentSince: "od {date}",
      consentWithdrawnOn: "preklicano {date}",
      consentConfirmationSent: "potrdilo poslano po e-pošti {date}",
      consentConfirmationPending: "potrdilo vam pošljemo po e-pošti",
      consentWordingVersion: "Besedilo privolitve, različica {number}",
      consentExpires: "velja do {date}",
      consentWordingChanged: "Besedilo se je spremenilo, odkar ste privolili v različico {agreed} (zdaj različica {current}): znova privolite, če jo želite ohraniti.",
      consentExpired: "Vaša privolitev je potekla {date}: znova privolite, če jo želite ohraniti.",
      consentGranted: "Shranjeno: privolili ste v »{name}« ({channel}).",
      consentWithdrawn: "Shranjeno: preklicali ste privolitev v »{name}« ({channel}).",
      consentObjectable: "Lahko ugovarjate: to pošiljamo svojim strankam, razen če ugovarjate.",
      consentObject: "Ugovarjam",
      consentObjectionWithdraw: "Prekliči ugovor",
      consentObjectedOn: "ugovarjali ste {date}",
      consentObjectionFinal: "Neposredno trženje: ugovor je dokončen.",
      consentObjected: "Shranjeno: ugovarjali ste »{name}« ({channel}).",
      consentObjectionWithdrawn: "Shranjeno: preklicali ste ugovor za »{name}« ({channel}).",
      consentSuspended: "Zaustavljeno, dokler je obdelava vaših podatkov omejena.",
      restrictTitle: "Omejitev obdelave mojih podatkov",
      restrictIntro: "Med omejitvijo vaše podatke hranimo, trženje in profiliranje pa zaustavimo; vaše izbire ostanejo shranjene in znova veljajo, ko omejitev odpravite.",
      restrictOn: "Obdelava vaših podatkov je omejena od {date}.",
      restrictLiftOn: "Obvestili smo vas, da bomo omejitev odpravili {date}. Če jo želite ohraniti, jo znova zahtevajte.",
      restrictOff: "Obdelava vaših podatkov ni omejena.",
      restrictStart: "Omeji obdelavo",
      restrictLift: "Odpravi omejitev",
      restrictDone: "Shranjeno: obdelava vaših podatkov je omejena.",
      restrictLifted: "Shranjeno: omejitev je odpravljena.",
      // Closing the account
      closeTitle: "Zaprtje računa",
      closeIntro: "Lahko si vzamete premor ali odidete za vedno. Za oboje morate znova potrditi, da ste to vi (zgoraj).",
      deactivateIntro:
        "Deaktivacija: vaš račun takoj izklopimo, podatke pa še nekaj časa hranimo. S povezavo iz e-poštnega sporočila, ki vam ga pošljemo, račun znova aktivirate; če je pravočasno ne uporabite, vaše podatke izbrišemo.",
      deactivateStart: "Deaktiviraj moj račun",
      deleteIntro:
        "Izbris: najprej preverimo, da mu nič ne stoji na poti, na primer neplačano naročilo. Nato vaš račun takoj izklopimo in ga po izteku čakalnega obdobja dokončno izbrišemo; do takrat lahko izbris še prekličete.",
      deleteStart: "Izbriši moj račun",
      deleteConfirm:
        "Ali res želite izbrisati svoj račun? Takoj ga izklopimo, po izteku čakalnega obdobja pa dokončno izbrišemo. Do takrat lahko izbris prekličete.",
      closeNeedsVerify: "Najprej potrdite, da ste to vi: zgoraj zahtevajte kodo, jo vpišite in poskusite znova.",
      deactivateDone: "Vaš račun je deaktiviran in odjavljeni ste.",
      deactivateKept: "Vaše podatke hranimo do {date}, nato jih izbrišemo.",
      deactivateEmail:
        "Po e-pošti smo vam poslali povezavo, s katero lahko do takrat znova aktivirate svoj račun. Ko jo uporabite, se lahko spet prijavite.",
      deletionBlocked: "Vašega računa še ni mogoče izbrisati:",
      deletionScheduled: "Vaš račun bo izbrisan {date}.",
      deletionScheduledMore:
        "Do takrat je izklopljen in se vanj ne morete prijaviti. Ste si premislili? Izbris prekličite tukaj ali s povezavo iz e-poštnega sporočila, ki smo vam ga poslali.",
      deletionCancel: "Prekliči izbris",
      deletionCancelled: "Izbris je preklican: vaš račun je spet aktiven.",
      deletionCancelFailed:
        "Izbrisa v tem brskalniku ne moremo preklicati. Uporabite povezavo iz e-poštnega sporočila, ki smo vam ga poslali.",
      // Deactivating: the confirmation step
      deactivateConfirmTitle: "Želite zdaj deaktivirati svoj račun?",
      deactivateConfirmNow: "Vaš račun takoj izklopimo in povsod vas odjavimo.",
      deactivateConfirmKept:
        "Vaše podatke še nekaj časa hranimo in vam po e-pošti pošljemo povezavo, s katero račun znova aktivirate; povemo vam tudi, do kdaj.",
      deactivateConfirmErased: "Če povezave ne uporabite pravočasno, vaše podatke dokončno izbrišemo.",
      deactivateConfirmYes: "Da, deaktiviraj moj račun",
      deactivateConfirmNo: "Obdrži moj račun",
      // Reading an upcoming version
      seeChanges: "Poglejte, kaj se spremeni",
      acceptNowIntro: "Ta različica začne veljati {date}. Sprejmete jo lahko že zdaj ali ko začne veljati.",
      acceptNow: "Sprejmem različico {number} že zdaj",
      acceptedEarly: "Hvala: sprejeli ste dokument »{title}«, različico {number}. Velja od {date}.",
      acceptedOn: "To različico ste sprejeli {date}.",
      signInToAccept: "Prijavite se, da jo sprejmete že zdaj",
      guestTitle: "Ste naročili brez računa?",
      guestIntro: "Zahtevajte kopijo podatkov, ki jih hranimo pod vašim e-poštnim naslovom, ali njihov izbris. Po e-pošti vam pošljemo povezavo, s katero potrdite, da ste to vi.",
      guestEmail: "E-poštni naslov",
      guestKind: "Kaj želite?",
      guestExport: "Kopijo mojih podatkov",
      guestErasure: "Izbris mojih podatkov",
      guestSubmit: "Pošlji zahtevo",
      guestEmailMissing: "Vpišite e-poštni naslov, s katerim ste naročili.",
      declineNow: "Zavrnem različico {number}",
      declinedFlash: "Zavrnili ste »{title}«, različico {number}. Zavrnitev smo zabeležili.",
      declinedOn: "To različico ste zavrnili {date}.",
      declinedUpcoming: "Do začetka veljavnosti {date} se nič ne spremeni. Nato boste za uporabo računa morali različico sprejeti. Lahko pa prenesete svoje podatke ali zaprete račun.",
      declinedInEffect: "Različica že velja: za nadaljnjo uporabo računa jo sprejmite. Lahko pa prenesete svoje podatke ali zaprete račun.",
      declinedTitle: "Različice, ki ste jih zavrnili",
      goToExport: "Prenesi moje podatke",
      goToClosure: "Zapri moj račun",
      cookieSettings: "Nastavitve piškotkov",
      cookieError: "Vaših izbir ni bilo mogoče shraniti. Poskusite znova.",
      cookieGpc: "Vaš brskalnik pošilja signal Global Privacy Control: upoštevamo ga kot zavrnitev trženjskih piškotkov.",
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
      offline: "Dyqani nuk mund të arrihet. Kontrolloni lidhjen dhe provoni përsëri.",
      status: {
        current: "në fuqi",
        upcoming: "i ardhshëm",
        archived: "i arkivuar",
        withdrawn: "i tërhequr",
      },
      account: "Llogaria juaj",
      signIn: "Hyni",
      signOut: "Dilni",
      privacyCentre: "Qendra juaj e privatësisë",
      signedOutIntro:
        "Hyni për të pranuar dokumentet, për të lexuar njoftimet, për të marrë një kopje të të dhënave tuaja dhe për të ndjekur kërkesat tuaja.",
      attention: "Diçka ju pret në llogarinë tuaj",
      attentionAccept: "Ju lutemi pranoni: {titles}",
      attentionNotices: "Njoftime të palexuara: {count}",
      openAccount: "Hapni llogarinë tuaj",
      toAcceptTitle: "Dokumente për t’u pranuar",
      acceptIntro: "Lexoni këto dokumente dhe pranojini që të vazhdoni ta përdorni llogarinë tuaj.",
      nothingToAccept: "Keni pranuar gjithçka që kërkohet. Faleminderit.",
      readIt: "Lexojeni",
      downloadPdf: "Shkarkoni PDF-në",
      whatChanged: "Çfarë ka ndryshuar që nga versioni që pranuat (versioni {number})",
      hideChanges: "Fshihni ndryshimet",
      accept: "Pranoj versionin {number}",
      saving: "Duke ruajtur…",
      accepted: "Faleminderit: pranuat «{title}», versionin {number}.",
      noticesTitle: "Njoftime për ndryshimet",
      noNotices: "Ende nuk keni asnjë njoftim.",
      unread: "e re",
      markRead: "Shënoje si të lexuar",
      readOn: "Lexuar më {date}",
      emailedOn: "dërguar me email më {date}",
      verifyTitle: "Konfirmoni që jeni ju",
      notVerified:
        "Para se t’ju japim një kopje të të dhënave tuaja ose të mbyllim llogarinë tuaj, konfirmoni me një kod njëpërdorimësh që jeni ju.",
      verifiedUntil: "Verifikimi juaj vlen deri në {time}.",
      sendCode: "Më dërgoni një kod",
      codeSent: "Ju dërguam një kod me email. Shkruajeni më poshtë.",
      codeLabel: "Kodi njëpërdorimësh",
      codeMissing: "Së pari shkruani kodin nga email-i.",
      codeHelpOther: "Mund të përdorni edhe një kod nga aplikacioni i vërtetimit ose një kod rezervë.",
      verifySubmit: "Verifiko",
      verifiedNow: "Faleminderit: konfirmuat që jeni ju.",
      exportTitle: "Një kopje e të dhënave tuaja",
      exportIntro:
        "Shkarkoni gjithçka që ruajmë për ju si arkiv ZIP (JSON, CSV dhe një përmbledhje që mund ta lexoni).",
      exportStart: "Eksporto të dhënat e mia",
      exportNeedsVerify:
        "Së pari konfirmoni që jeni ju: kërkoni një kod më sipër, shkruajeni dhe pastaj eksportoni përsëri të dhënat.",
      exportRateLimited: "Kërkuat një kopje së fundi. Kopjen tjetër mund ta kërkoni më {date}.",
      exportWorking: "Po përgatisim eksportin tuaj: {status}…",
      exportReady: "Eksporti juaj është gati.",
      exportDownload: "Shkarkoni të dhënat e mia",
      exportExpires: "Lidhja funksionon deri më {time}; skedari fshihet më {date}.",
      exportFailed: "Eksporti dështoi. Provoni përsëri më vonë ose na shkruani.",
      exportExpired: "Ai eksport është fshirë. Mund të kërkoni një kopje të re.",
      requestsTitle: "Kërkesat tuaja",
      noRequests: "Ende nuk keni bërë asnjë kërkesë.",
      colRequest: "Kërkesa",
      colStatus: "Gjendja",
      colReceived: "Marrë më",
      colDue: "Afati i përgjigjes",
      extendedUntil: "zgjatur deri më {date}",
      closedOn: "mbyllur më {date}",
      correctTitle: "Korrigjoni të dhënat tuaja",
      correctIntro:
        "Diçka është e gabuar ose e vjetëruar? Korrigjojeni këtu. Disa të dhëna, si ato në fatura, i kontrollojmë para se t'i ndryshojmë.",
      correctNone: "Këtu nuk ka asgjë që mund të korrigjoni.",
      correctSave: "Ruaj",
      correctSaved: "U korrigjua.",
      correctUnchanged: "Nuk ndryshoi asgjë.",
      correctPending: "Faleminderit: do ta kontrollojmë këtë ndryshim dhe do t'ju njoftojmë.",
      correctWaiting: "Në pritje të kontrollit tonë: {value}",
      correctChecked: "e kontrollojmë më parë",
      correctNeedsVerify: "Së pari konfirmoni që jeni ju: kërkoni një kod më lart, futeni dhe pastaj ruani përsëri.",
      correctRecord: "{source} {number}",
      consentsTitle: "Çfarë mund t’ju dërgojmë",
      consentsIntro: "Zgjidhni me çfarë pajtoheni. Mund të ndërroni mendje në çdo kohë; ndryshimi vlen menjëherë.",
      consentsNone: "Për momentin nuk kërkojmë asnjë pëlqim.",
      consentSince: "që nga {date}",
      consentWithdrawnOn: "tërhequr më {date}",
      consentConfirmationSent: "konfirmimi u dërgua me email më {date}",
      consentConfirmationPending: "do t’ju dërgojmë konfirmimin me email",
      consentWordingVersion: "Teksti i pëlqimit, versioni {number}",
      consentExpires: "vlen deri më {date}",
      consentWordingChanged: "Teksti ka ndryshuar që kur dhatë pëlqimin për versionin {agreed} (tani versioni {current}): jepeni përsëri për ta mbajtur.",
      consentExpired: "Pëlqimi juaj skadoi më {date}: jepeni përsëri për ta mbajtur.",
      consentGranted: "U ruajt: dhatë pëlqimin për «{name}» ({channel}).",
      consentWithdrawn: "U ruajt: tërhoqët pëlqimin për «{name}» ({channel}).",
      consentObjectable: "Mund të kundërshtoni: ua dërgojmë klientëve tanë, përveç nëse kundërshtoni.",
      consentObject: "Kundërshtoj",
      consentObjectionWithdraw: "Tërhiq kundërshtimin",
      consentObjectedOn: "kundërshtuat më {date}",
      consentObjectionFinal: "Marketing i drejtpërdrejtë: kundërshtimi është përfundimtar.",
      consentObjected: "U ruajt: kundërshtuat «{name}» ({channel}).",
      consentObjectionWithdrawn: "U ruajt: tërhoqët kundërshtimin për «{name}» ({channel}).",
      consentSuspended: "Pezulluar derisa përpunimi i të dhënave tuaja është i kufizuar.",
      restrictTitle: "Kufizo përpunimin e të dhënave të mia",
      restrictIntro: "Gjatë kufizimit i ruajmë të dhënat tuaja, por pezullojmë marketingun dhe profilizimin; zgjedhjet tuaja ruhen dhe vlejnë përsëri kur e hiqni kufizimin.",
      restrictOn: "Përpunimi i të dhënave tuaja është i kufizuar që nga {date}.",
      restrictLiftOn: "Ju njoftuam se kufizimi do të hiqet më {date}. Kufizojeni përsëri për ta mbajtur.",
      restrictOff: "Përpunimi i të dhënave tuaja nuk është i kufizuar.",
      restrictStart: "Kufizo përpunimin",
      restrictLift: "Hiq kufizimin",
      restrictDone: "U ruajt: përpunimi i të dhënave tuaja është i kufizuar.",
      restrictLifted: "U ruajt: kufizimi u hoq.",
      // Closing the account
      closeTitle: "Mbyllja e llogarisë",
      closeIntro:
        "Mund të bëni një pushim ose të largoheni përgjithmonë. Për të dyja duhet të konfirmoni sërish që jeni ju (më sipër).",
      deactivateIntro:
        "Çaktivizimi: e fikim menjëherë llogarinë tuaj dhe i ruajmë të dhënat tuaja për një kohë. Lidhja në email-in që ju dërgojmë e rikthen llogarinë; nëse nuk e përdorni me kohë, i fshijmë të dhënat tuaja.",
      deactivateStart: "Çaktivizo llogarinë time",
      deleteIntro:
        "Fshirja: së pari kontrollojmë që asgjë të mos e pengojë, për shembull një porosi e papaguar. Pastaj llogaria juaj fiket menjëherë dhe fshihet përgjithmonë pas një periudhe pritjeje, gjatë së cilës mund ta anuloni ende.",
      deleteStart: "Fshi llogarinë time",
      deleteConfirm:
        "Vërtet dëshironi ta fshini llogarinë tuaj? Ajo fiket tani dhe fshihet përgjithmonë pas periudhës së pritjes. Deri atëherë mund ta anuloni fshirjen.",
      closeNeedsVerify: "Së pari konfirmoni që jeni ju: kërkoni një kod më sipër, shkruajeni dhe pastaj provoni përsëri.",
      deactivateDone: "Llogaria juaj është çaktivizuar dhe keni dalë nga llogaria.",
      deactivateKept: "I ruajmë të dhënat tuaja deri më {date}; pas kësaj i fshijmë.",
      deactivateEmail:
        "Ju dërguam me email një lidhje me të cilën mund ta riaktivizoni llogarinë deri atëherë. Pasi ta përdorni, mund të hyni përsëri.",
      deletionBlocked: "Llogaria juaj nuk mund të fshihet ende:",
      deletionScheduled: "Llogaria juaj do të fshihet më {date}.",
      deletionScheduledMore:
        "Deri atëherë ajo është e fikur dhe nuk mund të hyni në të. Ndërruat mendje? Anulojeni fshirjen këtu ose me lidhjen në email-in që ju dërguam.",
      deletionCancel: "Anulo fshirjen",
      deletionCancelled: "Fshirja u anulua: llogaria juaj është sërish aktive.",
      deletionCancelFailed:
        "Nuk mund ta anulojmë fshirjen nga ky shfletues. Ju lutemi përdorni lidhjen në email-in që ju dërguam.",
      // Deactivating: the confirmation step
      deactivateConfirmTitle: "Ta çaktivizoni llogarinë tuaj tani?",
      deactivateConfirmNow: "Llogaria juaj fiket menjëherë dhe dilni prej saj kudo.",
      deactivateConfirmKept:
        "I ruajmë të dhënat tuaja edhe për njëfarë kohe dhe ju dërgojmë me email një lidhje që e rikthen llogarinë; ju tregojmë edhe deri kur.",
      deactivateConfirmErased: "Nëse nuk e përdorni lidhjen me kohë, i fshijmë të dhënat tuaja përgjithmonë.",
      deactivateConfirmYes: "Po, çaktivizo llogarinë time",
      deactivateConfirmNo: "Mbaje llogarinë time",
      // Reading an upcoming version
      seeChanges: "Shihni çfarë ndryshon",
      acceptNowIntro: "Ky version hyn në fuqi më {date}. Mund ta pranoni që tani ose kur të hyjë në fuqi.",
      acceptNow: "Pranoj versionin {number} që tani",
      acceptedEarly: "Faleminderit: pranuat «{title}», versionin {number}. Vlen nga {date}.",
      acceptedOn: "E pranuat këtë version më {date}.",
      signInToAccept: "Hyni për ta pranuar që tani",
      guestTitle: "Keni porositur pa llogari?",
      guestIntro: "Kërkoni një kopje të të dhënave që mbajmë me adresën tuaj të email-it, ose fshirjen e tyre. Ju dërgojmë me email një lidhje për të konfirmuar që jeni ju.",
      guestEmail: "Adresa e email-it",
      guestKind: "Çfarë dëshironi?",
      guestExport: "Një kopje të të dhënave të mia",
      guestErasure: "Fshini të dhënat e mia",
      guestSubmit: "Dërgo kërkesën",
      guestEmailMissing: "Shkruani adresën e email-it me të cilën keni porositur.",
      declineNow: "Refuzoj versionin {number}",
      declinedFlash: "Refuzuat “{title}”, versionin {number}. E kemi regjistruar refuzimin.",
      declinedOn: "E refuzuat këtë version më {date}.",
      declinedUpcoming: "Asgjë nuk ndryshon deri sa të hyjë në fuqi më {date}. Pas kësaj, për të vazhduar të përdorni llogarinë, do t’ju duhet ta pranoni. Mund edhe të shkarkoni të dhënat tuaja ose të mbyllni llogarinë.",
      declinedInEffect: "Është në fuqi: për të vazhduar të përdorni llogarinë, pranojeni. Mund edhe të shkarkoni të dhënat tuaja ose të mbyllni llogarinë.",
      declinedTitle: "Versionet që keni refuzuar",
      goToExport: "Shkarko të dhënat e mia",
      goToClosure: "Mbyll llogarinë time",
      cookieSettings: "Cilësimet e cookie-ve",
      cookieError: "Zgjedhjet tuaja nuk u ruajtën dot. Provoni përsëri.",
      cookieGpc: "Shfletuesi juaj dërgon sinjalin Global Privacy Control: e trajtojmë si refuzim të cookie-ve të marketingut.",
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
      offline: "Trgovina nije dostupna. Provjerite vezu i pokušajte ponovno.",
      status: {
        current: "važeća",
        upcoming: "nadolazeća",
        archived: "arhivirana",
        withdrawn: "povučena",
      },
      account: "Vaš račun",
      signIn: "Prijava",
      signOut: "Odjava",
      privacyCentre: "Vaš centar za privatnost",
      signedOutIntro:
        "Prijavite se kako biste prihvatili dokumente, pročitali obavijesti, dobili kopiju svojih podataka i pratili svoje zahtjeve.",
      attention: "U vašem računu nešto vas čeka",
      attentionAccept: "Molimo prihvatite: {titles}",
      attentionNotices: "Nepročitane obavijesti: {count}",
      openAccount: "Otvorite svoj račun",
      toAcceptTitle: "Dokumenti koje trebate prihvatiti",
      acceptIntro: "Pročitajte ove dokumente i prihvatite ih kako biste i dalje mogli koristiti svoj račun.",
      nothingToAccept: "Prihvatili ste sve što je potrebno. Hvala.",
      readIt: "Pročitajte",
      downloadPdf: "Preuzmite PDF",
      whatChanged: "Što se promijenilo od verzije koju ste prihvatili (verzija {number})",
      hideChanges: "Sakrij izmjene",
      accept: "Prihvaćam verziju {number}",
      saving: "Spremanje…",
      accepted: "Hvala: prihvatili ste „{title}”, verziju {number}.",
      noticesTitle: "Obavijesti o izmjenama",
      noNotices: "Još nemate nijednu obavijest.",
      unread: "novo",
      markRead: "Označi kao pročitano",
      readOn: "Pročitano {date}",
      emailedOn: "poslano e-poštom {date}",
      verifyTitle: "Potvrdite da ste to vi",
      notVerified:
        "Prije nego što vam damo kopiju vaših podataka ili zatvorimo vaš račun, jednokratnim kodom potvrdite da ste to vi.",
      verifiedUntil: "Potvrđeni ste do {time}.",
      sendCode: "Pošaljite mi kod",
      codeSent: "Poslali smo vam kod e-poštom. Upišite ga ispod.",
      codeLabel: "Jednokratni kod",
      codeMissing: "Najprije upišite kod iz e-poruke.",
      codeHelpOther: "Možete upotrijebiti i kod iz aplikacije za autentifikaciju ili pričuvni kod.",
      verifySubmit: "Potvrdi",
      verifiedNow: "Hvala: potvrdili ste da ste to vi.",
      exportTitle: "Kopija vaših podataka",
      exportIntro:
        "Preuzmite sve što o vama čuvamo kao ZIP arhivu (JSON, CSV i pregled koji možete pročitati).",
      exportStart: "Izvezi moje podatke",
      exportNeedsVerify:
        "Najprije potvrdite da ste to vi: gore zatražite kod, upišite ga, a zatim ponovno izvezite podatke.",
      exportRateLimited: "Nedavno ste već zatražili kopiju. Sljedeću možete zatražiti {date}.",
      exportWorking: "Pripremamo vaš izvoz: {status}…",
      exportReady: "Vaš je izvoz spreman.",
      exportDownload: "Preuzmite moje podatke",
      exportExpires: "Poveznica vrijedi do {time}, a datoteku brišemo {date}.",
      exportFailed: "Izvoz nije uspio. Pokušajte ponovno kasnije ili nam pišite.",
      exportExpired: "Taj je izvoz izbrisan. Možete zatražiti novu kopiju.",
      requestsTitle: "Vaši zahtjevi",
      noRequests: "Još niste podnijeli nijedan zahtjev.",
      colRequest: "Zahtjev",
      colStatus: "Status",
      colReceived: "Zaprimljeno",
      colDue: "Rok za odgovor",
      extendedUntil: "produljeno do {date}",
      closedOn: "zatvoreno {date}",
      correctTitle: "Ispravite svoje podatke",
      correctIntro:
        "Je li nešto pogrešno ili zastarjelo? Ispravite to ovdje. Neke podatke, poput onih na računima, provjeravamo prije promjene.",
      correctNone: "Ovdje nema ničega što možete ispraviti.",
      correctSave: "Spremi",
      correctSaved: "Ispravljeno.",
      correctUnchanged: "Ništa se nije promijenilo.",
      correctPending: "Hvala: provjerit ćemo ovu promjenu i obavijestiti vas.",
      correctWaiting: "Čeka našu provjeru: {value}",
      correctChecked: "najprije provjeravamo",
      correctNeedsVerify: "Najprije potvrdite da ste to vi: gore zatražite kod, upišite ga, a zatim ponovno spremite.",
      correctRecord: "{source} {number}",
      consentsTitle: "Što vam smijemo slati",
      consentsIntro: "Odaberite na što pristajete. Predomisliti se možete u bilo kojem trenutku; promjena vrijedi odmah.",
      consentsNone: "Trenutačno ne tražimo nikakvu privolu.",
      consentSince: "od {date}",
      consentWithdrawnOn: "povučeno {date}",
      consentConfirmationSent: "potvrda poslana e-poštom {date}",
      consentConfirmationPending: "poslat ćemo vam potvrdu e-poštom",
      consentWordingVersion: "Tekst privole, verzija {number}",
      consentExpires: "vrijedi do {date}",
      consentWordingChanged: "Tekst se promijenio otkad ste pristali na verziju {agreed} (sada verzija {current}): ponovno dajte privolu da je zadržite.",
      consentExpired: "Vaša privola istekla je {date}: ponovno dajte privolu da je zadržite.",
      consentGranted: "Spremljeno: dali ste privolu za „{name}” ({channel}).",
      consentWithdrawn: "Spremljeno: povukli ste privolu za „{name}” ({channel}).",
      consentObjectable: "Možete uložiti prigovor: ovo šaljemo svojim kupcima, osim ako uložite prigovor.",
      consentObject: "Ulažem prigovor",
      consentObjectionWithdraw: "Povuci prigovor",
      consentObjectedOn: "prigovor uložen {date}",
      consentObjectionFinal: "Izravni marketing: prigovor je konačan.",
      consentObjected: "Spremljeno: uložili ste prigovor na „{name}” ({channel}).",
      consentObjectionWithdrawn: "Spremljeno: povukli ste prigovor na „{name}” ({channel}).",
      consentSuspended: "Zaustavljeno dok je obrada vaših podataka ograničena.",
      restrictTitle: "Ograniči obradu mojih podataka",
      restrictIntro: "Dok je obrada ograničena, vaše podatke čuvamo, a marketing i izradu profila zaustavljamo; vaši odabiri ostaju spremljeni i ponovno vrijede kad ukinete ograničenje.",
      restrictOn: "Obrada vaših podataka ograničena je od {date}.",
      restrictLiftOn: "Obavijestili smo vas da ćemo ograničenje ukinuti {date}. Ponovno ga zatražite ako ga želite zadržati.",
      restrictOff: "Obrada vaših podataka nije ograničena.",
      restrictStart: "Ograniči obradu",
      restrictLift: "Ukini ograničenje",
      restrictDone: "Spremljeno: obrada vaših podataka je ograničena.",
      restrictLifted: "Spremljeno: ograničenje je ukinuto.",
      // Closing the account
      closeTitle: "Zatvaranje računa",
      closeIntro: "Možete napraviti stanku ili otići zauvijek. Za oboje morate ponovno potvrditi da ste to vi (gore).",
      deactivateIntro:
        "Deaktivacija: vaš račun odmah isključujemo, a podatke još neko vrijeme čuvamo. Poveznicom iz e-poruke koju vam šaljemo račun vraćate; ako je ne iskoristite na vrijeme, vaše podatke brišemo.",
      deactivateStart: "Deaktiviraj moj račun",
      deleteIntro:
        "Brisanje: najprije provjeravamo da mu ništa ne stoji na putu, primjerice neplaćena narudžba. Zatim vaš račun odmah isključujemo i trajno brišemo nakon razdoblja odgode, tijekom kojeg brisanje još možete otkazati.",
      deleteStart: "Izbriši moj račun",
      deleteConfirm:
        "Želite li zaista izbrisati svoj račun? Odmah ga isključujemo, a nakon razdoblja odgode trajno brišemo. Do tada brisanje možete otkazati.",
      closeNeedsVerify: "Najprije potvrdite da ste to vi: gore zatražite kod, upišite ga, a zatim pokušajte ponovno.",
      deactivateDone: "Vaš je račun deaktiviran i odjavljeni ste.",
      deactivateKept: "Vaše podatke čuvamo do {date}, a nakon toga ih brišemo.",
      deactivateEmail:
        "E-poštom smo vam poslali poveznicu kojom do tada možete ponovno aktivirati svoj račun. Kada je iskoristite, ponovno se možete prijaviti.",
      deletionBlocked: "Vaš se račun još ne može izbrisati:",
      deletionScheduled: "Vaš će račun biti izbrisan {date}.",
      deletionScheduledMore:
        "Do tada je isključen i ne možete se prijaviti. Predomislili ste se? Otkažite brisanje ovdje ili poveznicom iz e-poruke koju smo vam poslali.",
      deletionCancel: "Otkaži brisanje",
      deletionCancelled: "Brisanje je otkazano: vaš je račun ponovno aktivan.",
      deletionCancelFailed:
        "Brisanje ne možemo otkazati iz ovog preglednika. Upotrijebite poveznicu iz e-poruke koju smo vam poslali.",
      // Deactivating: the confirmation step
      deactivateConfirmTitle: "Želite li sada deaktivirati svoj račun?",
      deactivateConfirmNow: "Vaš se račun odmah isključuje i odjavljeni ste na svim uređajima.",
      deactivateConfirmKept:
        "Vaše podatke čuvamo još neko vrijeme i e-poštom vam šaljemo poveznicu kojom vraćate račun; javljamo vam i do kada.",
      deactivateConfirmErased: "Ako poveznicu ne iskoristite na vrijeme, vaše podatke trajno brišemo.",
      deactivateConfirmYes: "Da, deaktiviraj moj račun",
      deactivateConfirmNo: "Zadrži moj račun",
      // Reading an upcoming version
      seeChanges: "Pogledajte što se mijenja",
      acceptNowIntro: "Ova verzija stupa na snagu {date}. Možete je prihvatiti već sada ili kad stupi na snagu.",
      acceptNow: "Prihvaćam verziju {number} već sada",
      acceptedEarly: "Hvala: prihvatili ste „{title}”, verziju {number}. Vrijedi od {date}.",
      acceptedOn: "Ovu ste verziju prihvatili {date}.",
      signInToAccept: "Prijavite se da je prihvatite već sada",
      guestTitle: "Naručili ste bez računa?",
      guestIntro: "Zatražite kopiju podataka koje čuvamo pod vašom adresom e-pošte ili njihovo brisanje. E-poštom vam šaljemo poveznicu kojom potvrđujete da ste to vi.",
      guestEmail: "Adresa e-pošte",
      guestKind: "Što želite?",
      guestExport: "Kopiju mojih podataka",
      guestErasure: "Brisanje mojih podataka",
      guestSubmit: "Pošalji zahtjev",
      guestEmailMissing: "Upišite adresu e-pošte s kojom ste naručili.",
      declineNow: "Odbijam verziju {number}",
      declinedFlash: "Odbili ste „{title}”, verziju {number}. Odbijanje smo zabilježili.",
      declinedOn: "Ovu ste verziju odbili {date}.",
      declinedUpcoming: "Ništa se ne mijenja do stupanja na snagu {date}. Nakon toga, za daljnje korištenje računa morat ćete je prihvatiti. Možete i preuzeti svoje podatke ili zatvoriti račun.",
      declinedInEffect: "Na snazi je: za daljnje korištenje računa prihvatite je. Možete i preuzeti svoje podatke ili zatvoriti račun.",
      declinedTitle: "Verzije koje ste odbili",
      goToExport: "Preuzmi moje podatke",
      goToClosure: "Zatvori moj račun",
      cookieSettings: "Postavke kolačića",
      cookieError: "Vaše odabire nije bilo moguće spremiti. Pokušajte ponovno.",
      cookieGpc: "Vaš preglednik šalje signal Global Privacy Control: smatramo ga odbijanjem marketinških kolačića.",
    },
  };

  const state = {
    lang: initialLanguage(),
    policies: [],
    slug: null,
    number: null,
    view: "reader", // "reader" (a document) or "account" (#account)
    signedIn: null, // null until GET /me/ answered
    me: null,
    notices: [],
    consents: [],
    restriction: null, // GET /me/restriction/
    consentFlash: null, // { ok, text }: the outcome of the last change of a consent
    verification: null,
    exportJob: null,
    exportMessage: null,
    acceptFlash: null,
    exportTimer: null,
    verifyTimer: null,
    // Closing the account: { kind: "deactivated" | "deletion" | "cancelled", scheduled_for, error }
    closure: null,
    closureMessage: null, // { code, text, blockers }: why the last attempt did not go through
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
    return String(value)
      .replace(/\{(\w+)\}/g, (_, name) => (params && name in params ? params[name] : ""))
      .replace(/\.\.$/, "."); // a date that ends with a dot ("29. studenoga 2026.") ends the sentence
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

  function formatDateTime(value) {
    // Times too are the shop's, so that they agree with the dates beside them.
    const date = new Date(value);
    try {
      return new Intl.DateTimeFormat(state.lang, {
        dateStyle: "long",
        timeStyle: "short",
        timeZone: SHOP_TIME_ZONE,
      }).format(date);
    } catch (error) {
      return date.toLocaleString();
    }
  }

  function formatTime(value) {
    const date = new Date(value);
    try {
      return new Intl.DateTimeFormat(state.lang, { timeStyle: "short", timeZone: SHOP_TIME_ZONE }).format(date);
    } catch (error) {
      return date.toLocaleTimeString();
    }
  }

  function formatSize(bytes) {
    const megabytes = bytes >= 1024 * 1024;
    const value = megabytes ? bytes / (1024 * 1024) : Math.max(bytes / 1024, 0.1);
    try {
      return new Intl.NumberFormat(state.lang, {
        style: "unit",
        unit: megabytes ? "megabyte" : "kilobyte",
        maximumFractionDigits: 1,
      }).format(value);
    } catch (error) {
      return `${value.toFixed(1)} ${megabytes ? "MB" : "kB"}`;
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

  function byId(id) {
    return document.getElementById(id);
  }

  class ApiError extends Error {
    constructor(status, data) {
      super((data && (data.detail || data.code)) || `HTTP ${status}`);
      this.status = status;
      this.code = (data && data.code) || "";
      this.data = data || {};
    }
  }

  function withLocale(path) {
    // Every answer, errors included, comes in the storefront's language.
    const url = new URL(path, window.location.origin);
    url.searchParams.set("locale", state.lang);
    return `${url.pathname}${url.search}`;
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json", "Accept-Language": state.lang };
    const options = { method, headers, credentials: "same-origin" };
    if (method !== "GET") {
      // Session authentication: Django checks the csrftoken cookie against this header.
      headers["X-CSRFToken"] = csrfToken();
      if (body !== undefined) {
        headers["Content-Type"] = "application/json";
        options.body = JSON.stringify(body);
      }
    }
    let response;
    try {
      response = await fetch(withLocale(path), options);
    } catch (error) {
      throw new ApiError(0, { code: "network", detail: t("offline") });
    }
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok) {
      throw new ApiError(response.status, data || { detail: `${response.status} ${response.statusText}` });
    }
    return data;
  }

  function getJSON(path) {
    return api("GET", path);
  }

  function showError(container, error) {
    container.replaceChildren(el("p", { className: "error", role: "alert" }, t("error", { detail: error.message })));
  }

  function showFlash(node, ok, text) {
    node.hidden = !text;
    node.textContent = text || "";
    node.className = `flash ${ok ? "ok" : "error"}`;
    node.setAttribute("role", ok ? "status" : "alert");
  }

  function storage(action, value) {
    try {
      if (action === "get") return window.localStorage.getItem(EXPORT_KEY);
      if (action === "set") window.localStorage.setItem(EXPORT_KEY, value);
      if (action === "remove") window.localStorage.removeItem(EXPORT_KEY);
    } catch (error) {
      // Storage unavailable (private mode): the export is only remembered until a reload.
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------
  // Rendering: documents

  function renderChrome() {
    // The cookie banner (wagtail_privacy/cookies.js) follows <html lang>; the two texts it
    // needs from the page come from here, in the storefront's language.
    const cookies = document.querySelector("[data-privacy-cookies]");
    if (cookies) {
      cookies.dataset.textGpc = t("cookieGpc");
      cookies.dataset.textError = t("cookieError");
    }
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-text]").forEach((node) => {
      node.textContent = t(node.dataset.text);
    });
    document.querySelectorAll("#languages button").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
    });
    byId("sign-in").href = loginUrl();
    renderAccountLink();
  }

  function renderBanners() {
    const container = document.getElementById("banners");
    container.replaceChildren(
      ...[accountBanner()].filter(Boolean),
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

  function accountBanner() {
    // Signed-in customers who owe an acceptance or have unread notices are told on every page.
    if (!state.me || state.view === "account") return null;
    const required = state.me.acceptances_required || [];
    const unread = state.me.notices || [];
    if (!required.length && !unread.length) return null;
    return el(
      "section",
      { className: "banner banner-account", "aria-label": t("attention"), "data-testid": "account-banner" },
      el("strong", {}, t("attention")),
      required.length
        ? el("p", {}, t("attentionAccept", { titles: required.map((item) => item.title).join(", ") }))
        : null,
      unread.length ? el("p", {}, t("attentionNotices", { count: unread.length })) : null,
      el("a", { href: "#account" }, t("openAccount")),
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
              "aria-current": String(state.view === "reader" && policy.slug === state.slug),
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
        el("h2", { lang: version.fallback ? version.language : null }, version.title || detail.title),
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
        children.push(el("p", { className: "notice", lang: version.fallback ? version.language : null }, version.summary));
      }
      if (version.status === "upcoming") {
        // What the notice email promises: read it, see what changes, get the PDF, accept it now.
        children.push(renderUpcoming(detail, version));
      } else {
        children.push(el("p", { className: "links" }, pdfLink(version)));
      }
      // The frozen, server-rendered text of this version (trusted HTML from our own API).
      const body = el("div", { className: "policy-body", lang: version.language || state.lang });
      body.innerHTML = version.body_html;
      children.push(body);
    }

    children.push(renderHistory(detail, version ? version.number : null));
    reader.replaceChildren(...children);
    if (version && version.status === "upcoming" && version.requires_acceptance) {
      await loadEarlyAcceptance(detail, version);
    }
  }

  function pdfLink(version) {
    return el(
      "a",
      { href: version.pdf_url, hreflang: version.language, type: "application/pdf", "data-testid": "reader-pdf" },
      t("downloadPdf"),
    );
  }

  function renderUpcoming(detail, version) {
    // The changes compare the version in effect with this one (the policy's changes_url).
    const compare =
      detail.changes_url && detail.current && detail.upcoming && detail.upcoming.number === version.number;
    const panelId = "reader-changes";
    return el(
      "div",
      { className: "upcoming-actions", "data-testid": "reader-upcoming" },
      version.requires_acceptance
        ? el("p", {}, t("acceptNowIntro", { date: formatDate(version.effective_at) }))
        : null,
      el(
        "p",
        { className: "links" },
        pdfLink(version),
        compare
          ? el(
              "button",
              {
                type: "button",
                className: "link",
                "aria-expanded": "false",
                "aria-controls": panelId,
                "data-testid": "reader-changes-toggle",
                onclick: (event) => toggleReaderChanges(event.currentTarget, detail.changes_url),
              },
              t("seeChanges"),
            )
          : null,
      ),
      compare ? el("div", { id: panelId, className: "changes", "data-testid": panelId, hidden: true }) : null,
      version.requires_acceptance
        ? el("div", { id: "reader-accept", "data-testid": "reader-accept", "data-version": String(version.number) })
        : null,
      el("p", { id: "reader-accept-message", className: "flash", tabindex: "-1", "data-testid": "reader-accept-message", hidden: true }),
    );
  }

  async function toggleReaderChanges(button, url) {
    const panel = byId(button.getAttribute("aria-controls"));
    const open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", String(!open));
    button.textContent = open ? t("seeChanges") : t("hideChanges");
    panel.hidden = open;
    if (open || panel.dataset.loaded) return;
    panel.replaceChildren(el("p", { className: "muted" }, t("loading")));
    try {
      const diff = await getJSON(url);
      // The comparison as rendered by our own API (trusted HTML, like the policy texts).
      panel.innerHTML = diff.html;
      panel.dataset.loaded = "true";
    } catch (error) {
      showError(panel, error);
    }
  }

  async function loadEarlyAcceptance(detail, version) {
    // GET /me/acceptances/: 200 signed in (has she accepted this version already?), 401 not.
    let signedIn = true;
    let accepted = null;
    let declined = null;
    const mine = (record) => record.policy === detail.slug && record.version === version.number;
    try {
      const [acceptances, declines] = await Promise.all([
        getJSON(`${API}/me/acceptances/`),
        getJSON(`${API}/me/declines/`),
      ]);
      accepted = acceptances.find(mine) || null;
      declined = declines.find(mine) || null;
    } catch (error) {
      if (error.status !== 401) {
        const box = byId("reader-accept");
        if (box) showError(box, error);
        return;
      }
      signedIn = false;
    }
    renderEarlyAcceptance(detail, version, signedIn, accepted, declined);
  }

  function renderEarlyAcceptance(detail, version, signedIn, accepted, declined) {
    const box = byId("reader-accept");
    if (!box || box.dataset.version !== String(version.number)) return; // the reader moved on
    if (!signedIn) {
      const next = `/storefront/#${encodeURIComponent(detail.slug)}/${version.number}`;
      box.replaceChildren(
        el(
          "p",
          {},
          el(
            "a",
            { className: "button", href: `${LOGIN_URL}?${new URLSearchParams({ next, lang: state.lang })}`, "data-testid": "reader-sign-in" },
            t("signInToAccept"),
          ),
        ),
      );
    } else if (accepted) {
      box.replaceChildren(
        el("p", { "data-testid": "reader-accepted" }, t("acceptedOn", { date: formatDate(accepted.accepted_at) })),
      );
    } else {
      box.replaceChildren(
        declined
          ? el("p", { "data-testid": "reader-declined" }, t("declinedOn", { date: formatDate(declined.declined_at) }))
          : null,
        el(
          "p",
          { className: "confirm-actions" },
          el(
            "button",
            {
              type: "button",
              className: "primary",
              "data-testid": "reader-accept-now",
              onclick: (event) => acceptEarly(detail, version, event.currentTarget),
            },
            t("acceptNow", { number: version.number }),
          ),
          declined
            ? null
            : el(
                "button",
                {
                  type: "button",
                  "data-testid": "reader-decline",
                  onclick: (event) => declineEarly(detail, version, event.currentTarget),
                },
                t("declineNow", { number: version.number }),
              ),
        ),
      );
    }
  }

  async function declineEarly(detail, version, button) {
    const message = byId("reader-accept-message");
    button.disabled = true;
    try {
      const record = await api("POST", `${API}/me/declines/`, { policy: detail.slug, version: version.number });
      const title = version.title || detail.title;
      showFlash(message, true, `${t("declinedFlash", { title, number: version.number })} ${t("declinedUpcoming", { date: formatDate(version.effective_at) })}`);
      renderEarlyAcceptance(detail, version, true, null, record);
    } catch (error) {
      button.disabled = false;
      if (error.status === 401) renderEarlyAcceptance(detail, version, false, null, null);
      showFlash(message, false, error.message);
    }
    message.focus();
    refreshMe().catch(() => {});
  }

  async function acceptEarly(detail, version, button) {
    const message = byId("reader-accept-message");
    button.disabled = true;
    button.textContent = t("saving");
    try {
      const record = await api("POST", `${API}/me/acceptances/`, { policy: detail.slug, version: version.number });
      const title = version.title || detail.title;
      showFlash(message, true, t("acceptedEarly", { title, number: version.number, date: formatDate(version.effective_at) }));
      renderEarlyAcceptance(detail, version, true, record, null);
    } catch (error) {
      if (error.status === 401) {
        renderEarlyAcceptance(detail, version, false, null, null);
      } else {
        button.disabled = false;
        button.textContent = t("acceptNow", { number: version.number });
      }
      showFlash(message, false, error.message);
    }
    message.focus();
    refreshMe().catch(() => {}); // the banners and the account link
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
  // The privacy centre (#account): GET /me/ says whether the customer is signed in.

  function loginUrl() {
    return `${LOGIN_URL}?${new URLSearchParams({ next: "/storefront/#account", lang: state.lang })}`;
  }

  function renderAccountLink() {
    const link = byId("account-link");
    const pending = state.me
      ? (state.me.acceptances_required || []).length + (state.me.notices || []).length
      : 0;
    link.replaceChildren(state.signedIn === false ? t("signIn") : t("account"));
    if (pending) {
      link.append(
        el(
          "span",
          { className: "badge", "data-testid": "account-badge" },
          el("span", { className: "visually-hidden" }, `${t("attention")}: `),
          String(pending),
        ),
      );
    }
    link.setAttribute("aria-current", String(state.view === "account"));
    link.dataset.signedIn = String(state.signedIn);
  }

  async function refreshMe() {
    // 200: signed in; 401: signed out. Anything else is an error for the caller to show.
    try {
      state.me = await getJSON(`${API}/me/`);
      state.signedIn = true;
    } catch (error) {
      if (error.status !== 401) throw error;
      state.me = null;
      state.signedIn = false;
    }
    renderAccountLink();
    renderBanners();
    return state.signedIn;
  }

  function lostSession(error) {
    // The session ended meanwhile (signed out in another tab, expired): start over.
    if (error.status !== 401) return false;
    loadAccount();
    return true;
  }

  function stopTimers() {
    clearTimeout(state.exportTimer);
    clearTimeout(state.verifyTimer);
    state.exportTimer = null;
    state.verifyTimer = null;
  }

  async function loadAccount() {
    const loading = byId("account-loading");
    const failure = byId("account-error");
    failure.hidden = true;
    loading.hidden = false;
    try {
      await refreshMe();
    } catch (error) {
      loading.hidden = true;
      failure.textContent = t("error", { detail: error.message });
      failure.hidden = false;
      return;
    }
    loading.hidden = true;
    const signedIn = state.signedIn === true;
    syncClosure(signedIn);
    const pendingDeletion = Boolean(state.closure && state.closure.kind === "deletion");
    // While the deletion is pending, signing in is refused: offer to cancel it instead.
    byId("account-signed-out").hidden = signedIn || pendingDeletion;
    byId("account-signed-in").hidden = !signedIn;
    byId("sign-out").hidden = !signedIn;
    renderClosureOutcome();
    renderClosure();
    if (!signedIn) {
      stopTimers();
      state.notices = [];
      state.consents = [];
      state.restriction = null;
      state.verification = null;
      state.exportJob = null;
      return;
    }
    renderAcceptances();
    await Promise.all([
      loadNotices(),
      loadConsents(),
      loadRestriction(),
      loadVerification(),
      resumeExport(),
      loadRequests(),
      loadCorrections(),
    ]);
  }

  async function signOut() {
    const button = byId("sign-out");
    button.disabled = true;
    try {
      await fetch(LOGOUT_URL, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
        redirect: "manual",
      });
    } catch (error) {
      // Whatever happened, GET /me/ below tells whether the session is gone.
    }
    button.disabled = false;
    storage("remove");
    Object.assign(state, {
      exportJob: null,
      exportMessage: null,
      acceptFlash: null,
      consentFlash: null,
      closure: null,
      closureMessage: null,
    });
    stopTimers();
    await loadAccount();
  }

  // (a) Documents to accept

  function renderAcceptances() {
    const list = byId("acceptances-list");
    const flash = state.acceptFlash;
    showFlash(byId("accept-message"), flash && flash.ok, flash && flash.text);
    const required = (state.me && state.me.acceptances_required) || [];
    // Declined versions not in effect yet (those in effect are among the required ones).
    const declined = ((state.me && state.me.declined) || []).filter((item) => !item.in_effect);
    const parts = [];
    if (required.length) {
      parts.push(el("p", {}, t("acceptIntro")), el("ul", { className: "cards" }, required.map(renderRequirement)));
    } else {
      parts.push(el("p", { className: "muted", "data-testid": "acceptances-none" }, t("nothingToAccept")));
    }
    if (declined.length) {
      parts.push(
        el("h4", {}, t("declinedTitle")),
        el("ul", { className: "cards", "data-testid": "declined-list" }, declined.map(renderDeclined)),
      );
    }
    list.replaceChildren(...parts);
  }

  function wayOut() {
    // Declined: the export and the account's closure, further down the privacy centre.
    const jump = (sectionId, buttonId) => () => {
      byId(sectionId).scrollIntoView();
      byId(buttonId).focus();
    };
    return el(
      "p",
      { className: "links" },
      el("button", { type: "button", className: "link", "data-testid": "declined-export", onclick: jump("export", "export-start") }, t("goToExport")),
      el("button", { type: "button", className: "link", "data-testid": "declined-closure", onclick: jump("closure", "deactivate-start") }, t("goToClosure")),
    );
  }

  function renderDeclined(item) {
    const slug = item.policy;
    return el(
      "li",
      { className: "card", "data-testid": `declined-${slug}` },
      el("strong", { className: "card-title" }, item.title),
      el("span", { className: "meta" }, t("version", { number: item.version })),
      el("p", {}, t("declinedOn", { date: formatDate(item.declined_at) })),
      el("p", {}, t("declinedUpcoming", { date: formatDate(item.effective_at) })),
      wayOut(),
      el(
        "button",
        {
          type: "button",
          className: "primary",
          "data-testid": `accept-declined-${slug}`,
          onclick: (event) => acceptVersion(item, event.currentTarget),
        },
        t("accept", { number: item.version }),
      ),
    );
  }

  function renderRequirement(item) {
    const slug = item.policy;
    const panelId = `changes-${slug}`;
    return el(
      "li",
      { className: "card", id: `acceptance-${slug}`, "data-testid": `acceptance-${slug}` },
      el("strong", { className: "card-title" }, item.title),
      el("span", { className: "meta" }, t("version", { number: item.version })),
      el(
        "p",
        { className: "links" },
        el(
          "a",
          { href: `#${encodeURIComponent(slug)}/${item.version}`, "data-testid": `read-${slug}` },
          t("readIt"),
        ),
        el("a", { href: item.pdf_url, "data-testid": `pdf-${slug}` }, t("downloadPdf")),
        item.changes_url
          ? el(
              "button",
              {
                type: "button",
                className: "link",
                "aria-expanded": "false",
                "aria-controls": panelId,
                "data-testid": `changes-toggle-${slug}`,
                onclick: (event) => toggleChanges(event.currentTarget, item),
              },
              t("whatChanged", { number: item.accepted_version }),
            )
          : null,
      ),
      item.changes_url
        ? el("div", { id: panelId, className: "changes", "data-testid": panelId, hidden: true })
        : null,
      item.declined_at
        ? el(
            "div",
            { "data-testid": `declined-${slug}` },
            el("p", {}, t("declinedOn", { date: formatDate(item.declined_at) }), " ", t("declinedInEffect")),
            wayOut(),
          )
        : null,
      el(
        "p",
        { className: "confirm-actions" },
        el(
          "button",
          {
            type: "button",
            className: "primary",
            id: `accept-${slug}`,
            "data-testid": `accept-${slug}`,
            onclick: (event) => acceptVersion(item, event.currentTarget),
          },
          t("accept", { number: item.version }),
        ),
        item.declined_at
          ? null
          : el(
              "button",
              {
                type: "button",
                "data-testid": `decline-${slug}`,
                onclick: (event) => declineVersion(item, event.currentTarget),
              },
              t("declineNow", { number: item.version }),
            ),
      ),
    );
  }

  async function toggleChanges(button, item) {
    const panel = byId(button.getAttribute("aria-controls"));
    const open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", String(!open));
    button.textContent = open ? t("whatChanged", { number: item.accepted_version }) : t("hideChanges");
    panel.hidden = open;
    if (open || panel.dataset.loaded) return;
    panel.replaceChildren(el("p", { className: "muted" }, t("loading")));
    try {
      const diff = await getJSON(item.changes_url);
      // The comparison as rendered by our own API (trusted HTML, like the policy texts).
      panel.innerHTML = diff.html;
      panel.dataset.loaded = "true";
    } catch (error) {
      showError(panel, error);
    }
  }

  // Accepting and declining a version: the same flow, to /me/acceptances/ or /me/declines/.
  // Deciding on a version also marks its notice as read.
  function acceptVersion(item, button) {
    return decideVersion(item, button, "acceptances", "accepted");
  }

  function declineVersion(item, button) {
    return decideVersion(item, button, "declines", "declinedFlash");
  }

  async function decideVersion(item, button, path, flashKey) {
    button.disabled = true;
    button.textContent = t("saving");
    try {
      await api("POST", `${API}/me/${path}/`, { policy: item.policy, version: item.version });
      state.acceptFlash = { ok: true, text: t(flashKey, { title: item.title, number: item.version }) };
    } catch (error) {
      if (lostSession(error)) return;
      // e.g. 409 version_superseded: the detail says what to do, and /me/ lists the new version.
      state.acceptFlash = { ok: false, text: error.message };
    }
    try {
      await refreshMe();
    } catch (error) {
      state.acceptFlash = { ok: false, text: t("error", { detail: error.message }) };
    }
    renderAcceptances();
    byId("accept-message").focus();
    loadNotices();
  }

  // (b) Notices of changes

  async function loadNotices() {
    const list = byId("notices-list");
    try {
      state.notices = await getJSON(`${API}/me/notices/`);
    } catch (error) {
      list.replaceChildren(el("li", { className: "error", role: "alert" }, t("error", { detail: error.message })));
      return;
    }
    renderNotices();
  }

  function renderNotices() {
    const list = byId("notices-list");
    if (!state.notices.length) {
      list.replaceChildren(el("li", { className: "muted", "data-testid": "notices-none" }, t("noNotices")));
      return;
    }
    list.replaceChildren(...state.notices.map(renderNotice));
  }

  function renderNotice(notice) {
    const read = Boolean(notice.acknowledged_at);
    const when = notice.in_effect
      ? t("inEffectSince", { date: formatDate(notice.effective_at) })
      : t("takesEffect", { date: formatDate(notice.effective_at) });
    return el(
      "li",
      {
        className: `card${read ? "" : " unread"}`,
        id: `notice-${notice.id}`,
        tabindex: "-1",
        "data-testid": `notice-${notice.id}`,
        "data-read": String(read),
      },
      el(
        "strong",
        { className: "card-title" },
        notice.title,
        read ? null : el("span", { className: "status status-upcoming" }, t("unread")),
      ),
      el(
        "span",
        { className: "meta" },
        `${t("version", { number: notice.version })} · ${notice.change_level_label} · ${when}`,
      ),
      notice.summary ? el("p", {}, notice.summary) : null,
      el(
        "p",
        { className: "links" },
        el("a", { href: `#${encodeURIComponent(notice.policy)}/${notice.version}` }, t("readIt")),
        el("a", { href: notice.pdf_url }, t("downloadPdf")),
        notice.emailed_at
          ? el("span", { className: "muted" }, t("emailedOn", { date: formatDate(notice.emailed_at) }))
          : null,
      ),
      read
        ? el(
            "p",
            { className: "muted", "data-testid": `notice-read-${notice.id}` },
            t("readOn", { date: formatDateTime(notice.acknowledged_at) }),
          )
        : el(
            "button",
            {
              type: "button",
              id: `notice-ack-${notice.id}`,
              "data-testid": `notice-ack-${notice.id}`,
              onclick: (event) => acknowledgeNotice(notice, event.currentTarget),
            },
            t("markRead"),
          ),
    );
  }

  async function acknowledgeNotice(notice, button) {
    button.disabled = true;
    try {
      const updated = await api("POST", `${API}/me/notices/${encodeURIComponent(notice.id)}/acknowledge/`);
      state.notices = state.notices.map((item) => (item.id === updated.id ? updated : item));
      renderNotices();
      byId(`notice-${updated.id}`).focus();
    } catch (error) {
      if (lostSession(error)) return;
      button.disabled = false;
      button.after(el("p", { className: "error", role: "alert" }, error.message));
      return;
    }
    refreshMe().catch(() => {}); // the unread count in the header
  }

  // (b2) Consents: what the shop may send the customer, one switch per purpose and channel

  async function loadConsents() {
    const list = byId("consents-list");
    try {
      state.consents = await getJSON(`${API}/me/consents/`);
    } catch (error) {
      showError(list, error);
      return;
    }
    renderConsents();
  }

  function renderConsents() {
    const list = byId("consents-list");
    const flash = state.consentFlash;
    showFlash(byId("consent-message"), flash && flash.ok, flash && flash.text);
    if (!state.consents.length) {
      list.replaceChildren(el("p", { className: "muted", "data-testid": "consents-none" }, t("consentsNone")));
      return;
    }
    list.replaceChildren(
      el("p", { className: "muted" }, t("consentsIntro")),
      el("ul", { className: "cards" }, state.consents.map(renderPurpose)),
    );
  }

  function renderPurpose(purpose) {
    const wordingId = `consent-wording-${purpose.key}`;
    return el(
      "li",
      { className: "card consent", id: `consent-${purpose.key}`, "data-testid": `consent-${purpose.key}` },
      el("strong", { className: "card-title" }, purpose.name),
      purpose.objectable
        ? el("p", { className: "meta", "data-testid": `consent-${purpose.key}-objectable` }, t("consentObjectable"))
        : null,
      purpose.suspended
        ? el("p", { className: "renewal", role: "note", "data-testid": `consent-${purpose.key}-suspended` }, t("consentSuspended"))
        : null,
      purpose.description ? el("p", {}, purpose.description) : null,
      el(
        "blockquote",
        { className: "wording", id: wordingId, "data-testid": `consent-wording-${purpose.key}` },
        purpose.wording,
        el("span", { className: "meta" }, t("consentWordingVersion", { number: purpose.wording_version })),
      ),
      el(
        "ul",
        { className: "consent-channels" },
        purpose.channels.map((channel) => renderChannel(purpose, channel, wordingId)),
      ),
    );
  }

  function renderChannel(purpose, channel, wordingId) {
    if (purpose.objectable) return renderObjection(purpose, channel, wordingId);
    const id = `consent-${purpose.key}-${channel.channel}`;
    let when = null;
    if (channel.since && !channel.renewal) {
      const date = formatDate(channel.since);
      when = channel.granted ? t("consentSince", { date }) : t("consentWithdrawnOn", { date });
      if (channel.confirmation_sent_at) {
        when += ` · ${t("consentConfirmationSent", { date: formatDate(channel.confirmation_sent_at) })}`;
      } else if (!channel.granted) {
        when += ` · ${t("consentConfirmationPending")}`;
      }
      if (channel.expires_at) when += ` · ${t("consentExpires", { date: formatDate(channel.expires_at) })}`;
    }
    // A consent given but no longer counting: say why, so the customer can agree again.
    let renewal = null;
    if (channel.renewal) {
      renewal =
        channel.renewal.reason === "expired"
          ? t("consentExpired", { date: formatDate(channel.renewal.expired_at) })
          : t("consentWordingChanged", {
              agreed: channel.renewal.agreed_version,
              current: channel.renewal.current_version,
            });
    }
    return el(
      "li",
      {},
      el("input", {
        type: "checkbox",
        id,
        "data-testid": id,
        checked: channel.granted,
        // A retired purpose can still be withdrawn, never granted again.
        disabled: purpose.retired && !channel.granted,
        "aria-describedby": wordingId,
        onchange: (event) => changeConsent(purpose, channel, event.currentTarget),
      }),
      el("label", { for: id }, channel.label),
      when ? el("span", { className: "meta", "data-testid": `${id}-since` }, when) : null,
      renewal ? el("p", { className: "renewal", role: "note", "data-testid": `${id}-renewal` }, renewal) : null,
    );
  }

  // Legitimate interest: included unless the customer objects, per channel (GDPR Art. 21).
  function renderObjection(purpose, channel, wordingId) {
    const id = `consent-${purpose.key}-${channel.channel}`;
    const final = channel.objected && purpose.direct_marketing;
    let when = null;
    if (channel.objected && channel.since) {
      when = t("consentObjectedOn", { date: formatDate(channel.since) });
      if (channel.confirmation_sent_at) {
        when += ` · ${t("consentConfirmationSent", { date: formatDate(channel.confirmation_sent_at) })}`;
      }
      if (final) when += ` · ${t("consentObjectionFinal")}`;
    }
    const button =
      final || (!channel.offered && !channel.objected)
        ? null
        : el(
            "button",
            {
              type: "button",
              id,
              "data-testid": id,
              className: channel.objected ? "secondary" : "",
              "aria-describedby": wordingId,
              onclick: (event) => changeConsent(purpose, channel, event.currentTarget, channel.objected),
            },
            channel.objected ? t("consentObjectionWithdraw") : t("consentObject"),
          );
    return el(
      "li",
      {},
      el("span", {}, channel.label),
      " ",
      button,
      when ? el("span", { className: "meta", "data-testid": `${id}-since` }, when) : null,
    );
  }

  async function changeConsent(purpose, channel, input, granting) {
    // A checkbox says what it now is; an objection button, what it does.
    const granted = granting === undefined ? input.checked : granting;
    input.disabled = true;
    try {
      state.consents = await api("PUT", `${API}/me/consents/${encodeURIComponent(purpose.key)}/`, {
        channels: { [channel.channel]: granted },
      });
      const params = { name: purpose.name, channel: channel.label };
      const said = purpose.objectable
        ? granted
          ? "consentObjectionWithdrawn"
          : "consentObjected"
        : granted
          ? "consentGranted"
          : "consentWithdrawn";
      state.consentFlash = { ok: true, text: t(said, params) };
    } catch (error) {
      if (lostSession(error)) return;
      if (granting === undefined) input.checked = !granted;
      input.disabled = false;
      state.consentFlash = { ok: false, text: error.message };
      showFlash(byId("consent-message"), false, error.message);
      return;
    }
    renderConsents();
    const again = byId(input.id); // the list was drawn again: keep the keyboard where it was
    if (again) again.focus();
  }

  // (b3) Restriction of processing (GDPR Art. 18): data kept, marketing and profiling paused

  async function loadRestriction() {
    try {
      state.restriction = await getJSON(`${API}/me/restriction/`);
    } catch (error) {
      showError(byId("restriction-state"), error);
      return;
    }
    renderRestriction();
  }

  function renderRestriction() {
    const restriction = state.restriction;
    if (!restriction) return;
    let text = restriction.restricted ? t("restrictOn", { date: formatDate(restriction.since) }) : t("restrictOff");
    if (restriction.lift_on) text += ` ${t("restrictLiftOn", { date: formatDate(restriction.lift_on) })}`;
    const box = byId("restriction-state");
    box.dataset.restricted = String(restriction.restricted);
    box.textContent = text;
    // Restricting again keeps a restriction whose lifting was announced.
    byId("restriction-start").hidden = restriction.restricted && !restriction.lift_on;
    byId("restriction-lift").hidden = !restriction.restricted;
  }

  async function changeRestriction(restrict) {
    const button = byId(restrict ? "restriction-start" : "restriction-lift");
    button.disabled = true;
    try {
      state.restriction = await api(restrict ? "POST" : "DELETE", `${API}/me/restriction/`);
      showFlash(byId("restriction-message"), true, t(restrict ? "restrictDone" : "restrictLifted"));
    } catch (error) {
      if (lostSession(error)) return;
      showFlash(byId("restriction-message"), false, error.message);
    } finally {
      button.disabled = false;
    }
    renderRestriction();
    await loadConsents(); // paused purposes say so, or not any more
  }

  // (c) Verification: a one-time code before sensitive actions

  async function loadVerification() {
    try {
      state.verification = await getJSON(`${API}/me/verification/`);
    } catch (error) {
      showFlash(byId("verify-message"), false, t("error", { detail: error.message }));
      return;
    }
    renderVerification();
  }

  function renderVerification() {
    const verification = state.verification;
    if (!verification) return;
    const box = byId("verify-state");
    box.dataset.verified = String(verification.verified);
    box.className = verification.verified ? "verified" : "";
    box.textContent = verification.verified
      ? t("verifiedUntil", { time: formatTime(verification.verified_until) })
      : t("notVerified");
    const help = byId("verify-help");
    help.hidden = !(verification.methods || []).some((method) => method !== "email");
    help.textContent = t("codeHelpOther");
    clearTimeout(state.verifyTimer);
    if (verification.verified && verification.verified_until) {
      // Show the end of the verification when it comes.
      const wait = new Date(verification.verified_until).getTime() - Date.now() + 1000;
      if (wait > 0 && wait < 2 ** 31 - 1) state.verifyTimer = setTimeout(loadVerification, wait);
    }
  }

  async function sendCode() {
    const button = byId("verify-send");
    const message = byId("verify-message");
    button.disabled = true;
    try {
      state.verification = await api("POST", `${API}/me/verification/`, { method: "email" });
      renderVerification();
      showFlash(message, true, t("codeSent"));
      byId("verify-token").focus();
    } catch (error) {
      if (!lostSession(error)) showFlash(message, false, error.message);
    } finally {
      button.disabled = false;
    }
  }

  async function submitGuestRequest(event) {
    // The public request form: the same answer whether or not the address is known.
    event.preventDefault();
    const form = byId("guest-form");
    const input = byId("guest-email");
    const message = byId("guest-message");
    const email = input.value.trim();
    if (!email) {
      showFlash(message, false, t("guestEmailMissing"));
      input.focus();
      return;
    }
    const button = byId("guest-submit");
    button.disabled = true;
    try {
      const answer = await api("POST", `${API}/requests/`, { email, kind: form.elements.kind.value });
      input.value = "";
      showFlash(message, true, answer.detail);
    } catch (error) {
      showFlash(message, false, error.message);
    } finally {
      button.disabled = false;
    }
    message.focus();
  }

  async function submitCode(event) {
    event.preventDefault();
    const input = byId("verify-token");
    const button = byId("verify-submit");
    const message = byId("verify-message");
    const token = input.value.replace(/\s+/g, "");
    if (!token) {
      showFlash(message, false, t("codeMissing"));
      input.focus();
      return;
    }
    button.disabled = true;
    try {
      state.verification = await api("POST", `${API}/me/verification/`, { token });
      input.value = "";
      renderVerification();
      showFlash(message, true, t("verifiedNow"));
      if (state.exportMessage && state.exportMessage.code === "step_up_required") {
        state.exportMessage = null;
        renderExport();
      }
      if (state.closureMessage && state.closureMessage.code === "step_up_required") {
        state.closureMessage = null;
        renderClosure();
      }
    } catch (error) {
      if (!lostSession(error)) showFlash(message, false, error.message);
    } finally {
      button.disabled = false;
    }
  }

  // (d) A copy of the customer's data

  async function startExport() {
    const button = byId("export-start");
    button.disabled = true;
    state.exportMessage = null;
    try {
      state.exportJob = await api("POST", `${API}/me/exports/`);
      storage("set", state.exportJob.id);
      loadRequests(); // the export is recorded as an access request
    } catch (error) {
      if (lostSession(error)) return;
      if (error.code === "step_up_required") {
        state.exportMessage = { code: error.code, text: t("exportNeedsVerify") };
      } else if (error.code === "rate_limited" && error.data.next_available_at) {
        state.exportMessage = {
          code: error.code,
          text: t("exportRateLimited", { date: formatDateTime(error.data.next_available_at) }),
        };
      } else {
        state.exportMessage = { code: error.code, text: error.message };
      }
    } finally {
      button.disabled = false;
    }
    renderExport();
    scheduleExportPoll();
    if (state.exportMessage && state.exportMessage.code === "step_up_required") byId("verify-send").focus();
  }

  async function resumeExport() {
    // The latest export of this browser, if the customer still has it (another customer: 404).
    const id = state.exportJob ? state.exportJob.id : storage("get");
    if (id) {
      try {
        state.exportJob = await getJSON(`${API}/me/exports/${encodeURIComponent(id)}/`);
      } catch (error) {
        state.exportJob = null;
        if (error.status === 404 || error.status === 422) storage("remove");
        else state.exportMessage = { code: error.code, text: t("error", { detail: error.message }) };
      }
    }
    renderExport();
    scheduleExportPoll();
  }

  function scheduleExportPoll() {
    clearTimeout(state.exportTimer);
    state.exportTimer = null;
    const job = state.exportJob;
    if (!job || !["pending", "running"].includes(job.status) || state.view !== "account") return;
    state.exportTimer = setTimeout(pollExport, EXPORT_POLL_MS);
  }

  async function pollExport() {
    state.exportTimer = null;
    const job = state.exportJob;
    if (!job) return;
    try {
      const fresh = await getJSON(`${API}/me/exports/${encodeURIComponent(job.id)}/`);
      if (!state.exportJob || state.exportJob.id !== fresh.id) return;
      state.exportJob = fresh;
      state.exportMessage = null;
    } catch (error) {
      if (lostSession(error)) return;
      state.exportMessage = { code: error.code, text: t("error", { detail: error.message }) };
      if (error.status === 404) {
        state.exportJob = null;
        storage("remove");
      } else if (error.status !== 0 && error.status < 500) {
        renderExport();
        return; // not a passing failure: stop asking
      }
    }
    renderExport();
    if (state.exportJob && state.exportJob.status !== job.status) loadRequests();
    scheduleExportPoll();
  }

  async function openDownload(event) {
    // Download links are signed for a short while; an old one is renewed on the way.
    const job = state.exportJob;
    if (!job || !job.download_expires_at) return;
    if (new Date(job.download_expires_at).getTime() - Date.now() > 30000) return;
    event.preventDefault();
    try {
      state.exportJob = await getJSON(`${API}/me/exports/${encodeURIComponent(job.id)}/`);
    } catch (error) {
      if (lostSession(error)) return;
      state.exportMessage = { code: error.code, text: error.message };
    }
    renderExport();
    if (state.exportJob && state.exportJob.download_url) window.location.assign(state.exportJob.download_url);
  }

  function renderExport() {
    const box = byId("export-status");
    const parts = [];
    const message = state.exportMessage;
    if (message) {
      parts.push(
        el(
          "p",
          { className: "flash error", role: "alert", "data-testid": "export-message", "data-code": message.code },
          message.text,
        ),
      );
    }
    const job = state.exportJob;
    if (job && (job.status === "pending" || job.status === "running")) {
      parts.push(
        el("p", { className: "working", "data-testid": "export-working" }, t("exportWorking", { status: job.status_label })),
      );
    } else if (job && job.status === "ready" && job.download_url) {
      parts.push(
        el("p", { className: "flash ok" }, t("exportReady")),
        el(
          "p",
          {},
          el(
            "a",
            {
              className: "button primary",
              id: "export-download",
              "data-testid": "export-download",
              href: job.download_url,
              onclick: openDownload,
            },
            t("exportDownload"),
            job.size ? ` (ZIP, ${formatSize(job.size)})` : " (ZIP)",
          ),
        ),
        el(
          "p",
          { className: "muted" },
          t("exportExpires", {
            time: formatDateTime(job.download_expires_at),
            date: formatDate(job.expires_at),
          }),
        ),
      );
    } else if (job && job.status === "failed") {
      parts.push(el("p", { className: "flash error", role: "alert", "data-testid": "export-failed" }, t("exportFailed")));
    } else if (job && job.status === "expired") {
      parts.push(el("p", { className: "muted", "data-testid": "export-expired" }, t("exportExpired")));
    }
    box.dataset.status = job ? job.status : "";
    box.replaceChildren(...parts);
  }

  // (e) Correcting the customer's data (Art. 16): one form per record; a field the shop checks
  // waits for its staff, and needs a fresh verification.

  async function loadCorrections() {
    const box = byId("corrections-list");
    let data;
    try {
      data = await getJSON(`${API}/me/corrections/`);
    } catch (error) {
      showError(box, error);
      return;
    }
    const waiting = new Map(data.pending.map((item) => [`${item.source}/${item.record}/${item.field}`, item]));
    const forms = [];
    for (const source of data.sources) {
      source.records.forEach((record, index) => {
        const title =
          source.records.length > 1 ? t("correctRecord", { source: source.label, number: index + 1 }) : source.label;
        forms.push(correctionForm(source, record, title, waiting));
      });
    }
    if (!forms.length) {
      box.replaceChildren(el("p", { className: "muted" }, t("correctNone")));
      return;
    }
    box.replaceChildren(...forms);
  }

  function correctionForm(source, record, title, waiting) {
    const prefix = `correct-${source.source}-${record.record}`;
    const message = el("p", { className: "flash", role: "status", "data-testid": `${prefix}-message`, hidden: true });
    const rows = source.fields.map((field) => {
      const id = `${prefix}-${field.name}`;
      const pending = waiting.get(`${source.source}/${record.record}/${field.name}`);
      const note = pending ? t("correctWaiting", { value: pending.value }) : field.checked ? t("correctChecked") : null;
      return el(
        "p",
        { className: "field" },
        el("label", { for: id }, field.label),
        " ",
        el("input", {
          id,
          name: field.name,
          value: record.values[field.name] || "",
          "data-testid": id,
          "data-current": record.values[field.name] || "",
          "aria-describedby": note ? `${id}-note` : null,
        }),
        note ? el("span", { id: `${id}-note`, className: "meta" }, note) : null,
      );
    });
    const form = el(
      "form",
      { className: "correction", "data-testid": prefix, novalidate: true },
      el("fieldset", {}, el("legend", {}, title), rows, el("p", {}, el("button", { type: "submit" }, t("correctSave")))),
      message,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      saveCorrections(form, source.source, record.record, message);
    });
    return form;
  }

  async function saveCorrections(form, source, record, message) {
    const button = form.querySelector("button[type=submit]");
    const changed = [...form.querySelectorAll("input")].filter((input) => input.value !== input.dataset.current);
    if (!changed.length) {
      showFlash(message, true, t("correctUnchanged"));
      return;
    }
    button.disabled = true;
    let pending = false;
    try {
      for (const input of changed) {
        const result = await api("POST", `${API}/me/corrections/`, {
          source,
          record,
          field: input.name,
          value: input.value,
        });
        pending = pending || result.status === "pending";
      }
    } catch (error) {
      button.disabled = false;
      if (lostSession(error)) return;
      showFlash(message, false, error.code === "step_up_required" ? t("correctNeedsVerify") : error.message);
      if (error.code === "step_up_required") byId("verify-send").focus();
      return;
    }
    await Promise.all([loadCorrections(), loadRequests()]);
    const fresh = byId("corrections-list").querySelector(`[data-testid="${form.dataset.testid}-message"]`);
    if (fresh) showFlash(fresh, true, pending ? t("correctPending") : t("correctSaved"));
  }

  // (f) The customer's requests, with the dates the shop must answer by

  async function loadRequests() {
    const box = byId("requests-list");
    let items;
    try {
      items = await getJSON(`${API}/me/requests/`);
    } catch (error) {
      showError(box, error);
      return;
    }
    if (!items.length) {
      box.replaceChildren(el("p", { className: "muted", "data-testid": "requests-none" }, t("noRequests")));
      return;
    }
    box.replaceChildren(
      el(
        "table",
        { className: "requests" },
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            ["colRequest", "colStatus", "colReceived", "colDue"].map((key) => el("th", { scope: "col" }, t(key))),
          ),
        ),
        el(
          "tbody",
          {},
          items.map((item) =>
            el(
              "tr",
              { "data-testid": `request-${item.reference}`, "data-status": item.status },
              el("td", {}, item.kind_label),
              el(
                "td",
                {},
                el("span", { className: `status status-request-${item.status}` }, item.status_label),
                item.closed_at
                  ? el("span", { className: "meta" }, t("closedOn", { date: formatDate(item.closed_at) }))
                  : null,
              ),
              el("td", {}, formatDate(item.received_at)),
              el(
                "td",
                {},
                item.extended_until ? el("s", {}, formatDate(item.due_at)) : formatDate(item.due_at),
                item.extended_until
                  ? el(
                      "span",
                      { className: "meta", "data-testid": `request-extended-${item.reference}` },
                      t("extendedUntil", { date: formatDate(item.extended_until) }),
                    )
                  : null,
                item.extended_until && item.extension_reason
                  ? el("span", { className: "meta" }, item.extension_reason)
                  : null,
              ),
            ),
          ),
        ),
      ),
    );
  }

  // (g) Closing the account: deactivation, deletion after a grace period, cancelling it

  function pendingDeletion(action, value) {
    try {
      if (action === "get") {
        const saved = JSON.parse(window.localStorage.getItem(DELETION_KEY) || "null");
        return saved && saved.scheduled_for ? saved : null;
      }
      if (action === "set") window.localStorage.setItem(DELETION_KEY, JSON.stringify(value));
      if (action === "remove") window.localStorage.removeItem(DELETION_KEY);
    } catch (error) {
      // Storage unavailable or spoilt: the pending deletion is only shown until a reload.
    }
    return null;
  }

  function syncClosure(signedIn) {
    // Called once GET /me/ has answered: what the account's state says about an earlier closure.
    const closure = state.closure;
    const active = signedIn && !(state.me && state.me.account && state.me.account.state === "inactive");
    if (active) {
      // Signed in and active: any deletion this browser remembered was cancelled (or is another
      // customer's); a deactivation was undone by the emailed link.
      pendingDeletion("remove");
      if (closure && closure.kind !== "cancelled") state.closure = null;
      return;
    }
    if (!signedIn && closure && closure.kind === "cancelled") state.closure = null;
    if (!state.closure && !signedIn) {
      const saved = pendingDeletion("get");
      if (saved && new Date(saved.scheduled_for).getTime() > Date.now()) {
        state.closure = { kind: "deletion", scheduled_for: saved.scheduled_for };
      } else if (saved) {
        pendingDeletion("remove");
      }
    }
  }

  function closureProblem(error) {
    if (error.code === "step_up_required") return { code: error.code, text: t("closeNeedsVerify") };
    if (error.code === "deletion_blocked") {
      return { code: error.code, text: t("deletionBlocked"), blockers: error.data.blockers || [] };
    }
    return { code: error.code, text: error.message };
  }

  function closureFailed(error, button) {
    state.closureMessage = closureProblem(error);
    renderClosure();
    if (error.code === "step_up_required") byId("verify-send").focus();
    else button.focus();
  }

  function forgetAccountData() {
    // The session no longer reaches /me/: drop what was shown of the account.
    storage("remove");
    Object.assign(state, { exportJob: null, exportMessage: null, acceptFlash: null, consentFlash: null });
    state.closureMessage = null;
    stopTimers();
  }

  function askToDeactivate() {
    // First step: say what happens and when; nothing is sent until "Yes" is pressed.
    state.closureMessage = null;
    renderClosure();
    showDeactivateConfirm(true);
    byId("deactivate-confirm-title").focus();
  }

  function showDeactivateConfirm(open) {
    byId("deactivate-confirm").hidden = !open;
    byId("deactivate-start").setAttribute("aria-expanded", String(open));
  }

  function keepAccount() {
    showDeactivateConfirm(false);
    byId("deactivate-start").focus();
  }

  async function deactivateAccount() {
    const button = byId("deactivate-start");
    showDeactivateConfirm(false);
    button.disabled = true;
    state.closureMessage = null;
    renderClosure();
    let closure;
    try {
      closure = await api("POST", `${API}/me/deactivation/`);
    } catch (error) {
      button.disabled = false;
      if (!lostSession(error)) closureFailed(error, button);
      return;
    }
    button.disabled = false;
    // The server ended the session: GET /me/ now answers 401, the signed-out state.
    forgetAccountData();
    state.closure = { kind: "deactivated", scheduled_for: closure.scheduled_for };
    await loadAccount();
    focusOutcome();
  }

  async function requestDeletion() {
    const button = byId("delete-start");
    state.closureMessage = null;
    renderClosure();
    if (!window.confirm(t("deleteConfirm"))) return;
    button.disabled = true;
    let closure;
    try {
      closure = await api("POST", `${API}/me/deletion/`);
    } catch (error) {
      button.disabled = false;
      if (!lostSession(error)) closureFailed(error, button);
      return;
    }
    button.disabled = false;
    // The account is switched off until the erasure; this session may still cancel it.
    forgetAccountData();
    state.closure = { kind: "deletion", scheduled_for: closure.scheduled_for };
    pendingDeletion("set", { scheduled_for: closure.scheduled_for });
    await loadAccount();
    focusOutcome();
  }

  async function cancelDeletion(button) {
    button.disabled = true;
    try {
      await api("DELETE", `${API}/me/deletion/`);
    } catch (error) {
      button.disabled = false;
      // 401: this browser's session cannot cancel it (signed out, expired); 404: nothing pending.
      if (error.status === 401 || error.status === 404) pendingDeletion("remove");
      if (!state.closure) return;
      state.closure.error = error.status === 401 ? t("deletionCancelFailed") : error.message;
      renderClosureOutcome();
      byId("deletion-cancel").focus();
      return;
    }
    pendingDeletion("remove");
    state.closure = { kind: "cancelled" };
    await loadAccount(); // the account is active again: GET /me/ answers 200
    focusOutcome();
  }

  function focusOutcome() {
    const node = byId("closure-outcome").firstElementChild;
    if (node) node.focus();
  }

  function renderClosureOutcome() {
    const box = byId("closure-outcome");
    const closure = state.closure;
    box.dataset.state = closure ? closure.kind : "";
    if (!closure) {
      box.replaceChildren();
      return;
    }
    if (closure.kind === "deactivated") {
      box.replaceChildren(
        el(
          "div",
          { className: "flash ok closure-done", role: "status", tabindex: "-1", "data-testid": "deactivate-done" },
          el("p", {}, el("strong", {}, t("deactivateDone"))),
          el("p", {}, t("deactivateKept", { date: formatDate(closure.scheduled_for) })),
          el("p", {}, t("deactivateEmail")),
        ),
      );
    } else if (closure.kind === "deletion") {
      box.replaceChildren(
        el(
          "div",
          {
            className: "closure-pending",
            role: "status",
            tabindex: "-1",
            "data-testid": "deletion-scheduled",
            "data-scheduled-for": closure.scheduled_for,
          },
          el("p", {}, el("strong", {}, t("deletionScheduled", { date: formatDate(closure.scheduled_for) }))),
          el("p", {}, t("deletionScheduledMore")),
          el(
            "p",
            {},
            el(
              "button",
              {
                type: "button",
                className: "primary",
                id: "deletion-cancel",
                "data-testid": "deletion-cancel",
                onclick: (event) => cancelDeletion(event.currentTarget),
              },
              t("deletionCancel"),
            ),
          ),
          closure.error
            ? el("p", { className: "flash error", role: "alert", "data-testid": "deletion-cancel-error" }, closure.error)
            : null,
        ),
      );
    } else {
      box.replaceChildren(
        el(
          "p",
          { className: "flash ok", role: "status", tabindex: "-1", "data-testid": "deletion-cancelled" },
          t("deletionCancelled"),
        ),
      );
    }
  }

  function renderClosure() {
    const box = byId("closure-status");
    const message = state.closureMessage;
    box.dataset.code = message ? message.code : "";
    if (!message) {
      box.replaceChildren();
      return;
    }
    const blockers = message.blockers || [];
    box.replaceChildren(
      el(
        "div",
        { className: "flash error", role: "alert", "data-testid": "closure-message", "data-code": message.code },
        el("p", {}, message.text),
        blockers.length
          ? el(
              "ul",
              { className: "blockers", "data-testid": "deletion-blockers" },
              blockers.map((blocker) =>
                el(
                  "li",
                  { "data-testid": `blocker-${blocker.code}`, "data-source": blocker.source },
                  blocker.message,
                ),
              ),
            )
          : null,
      ),
    );
  }

  // ------------------------------------------------------------------------------------------
  // Navigation: #slug or #slug/number, so that a version can be linked to; #account.

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
    const raw = window.location.hash.replace(/^#/, "");
    if (raw === "account") {
      state.view = "account";
      return;
    }
    state.view = "reader";
    const [slug, number] = raw.split("/");
    state.slug = slug ? decodeURIComponent(slug) : null;
    state.number = number && /^\d+$/.test(number) ? Number(number) : null;
  }

  function renderView() {
    const account = state.view === "account";
    byId("reader").hidden = account;
    byId("account").hidden = !account;
    renderAccountLink();
    renderBanners();
    if (state.policies.length) renderList();
  }

  function showView() {
    renderView();
    if (state.view === "account") {
      loadAccount();
    } else {
      stopTimers();
      loadReader();
    }
  }

  function setLanguage(lang) {
    if (!LANGUAGES.includes(lang) || lang === state.lang) return;
    state.lang = lang;
    try {
      window.localStorage.setItem("lipa-language", lang);
    } catch (error) {
      // Storage unavailable (private mode): the choice lasts until the page is reloaded.
    }
    // Messages were written in the previous language.
    Object.assign(state, { acceptFlash: null, exportMessage: null, consentFlash: null, closureMessage: null });
    if (state.closure) state.closure.error = null;
    showFlash(byId("verify-message"), true, "");
    showFlash(byId("restriction-message"), true, "");
    renderChrome();
    loadPolicies();
    if (state.view === "account") {
      loadAccount();
    } else {
      loadReader();
      refreshMe().catch(() => {});
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("#languages button").forEach((button) => {
      button.addEventListener("click", () => setLanguage(button.dataset.lang));
    });
    byId("sign-out").addEventListener("click", signOut);
    byId("verify-send").addEventListener("click", sendCode);
    byId("verify-form").addEventListener("submit", submitCode);
    byId("guest-form").addEventListener("submit", submitGuestRequest);
    byId("export-start").addEventListener("click", startExport);
    byId("restriction-start").addEventListener("click", () => changeRestriction(true));
    byId("restriction-lift").addEventListener("click", () => changeRestriction(false));
    byId("deactivate-start").addEventListener("click", askToDeactivate);
    byId("deactivate-confirm-yes").addEventListener("click", deactivateAccount);
    byId("deactivate-confirm-no").addEventListener("click", keepAccount);
    byId("deactivate-confirm").addEventListener("keydown", (event) => {
      if (event.key === "Escape") keepAccount();
    });
    byId("delete-start").addEventListener("click", requestDeletion);
    window.addEventListener("hashchange", () => {
      readHash();
      showView();
    });
    readHash();
    renderChrome();
    renderView();
    if (state.view === "account") loadAccount();
    else refreshMe().catch(() => {}); // the header link and the "waiting for you" banner
    loadPolicies().then(() => {
      if (state.view !== "reader") return;
      if (!state.slug && state.policies.length) {
        state.slug = state.policies[0].slug;
        renderList();
      }
      loadReader();
    });
  });
})();

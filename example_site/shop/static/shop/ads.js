// A stand-in for a third-party advertising script (category "marketing"): it sets a cookie of
// its own and counts its runs, so that the demo and its browser tests see whether it ran.
"use strict";
document.cookie = "_demo_ads=1; path=/; max-age=31536000; SameSite=Lax";
window.demoAds = (window.demoAds || 0) + 1;

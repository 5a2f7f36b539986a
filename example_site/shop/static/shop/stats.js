// A stand-in for a third-party statistics script (category "statistics"): it sets a cookie of
// its own and counts its runs, so that the demo and its browser tests see whether it ran.
"use strict";
document.cookie = "_demo_stats=1; path=/; max-age=31536000; SameSite=Lax";
window.demoStats = (window.demoStats || 0) + 1;

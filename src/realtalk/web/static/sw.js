// RealTalk service worker: makes the app installable and its shell load instantly.
// - App shell (SHELL below, everything under /static/): cache first, refreshed in the background so
//   a new server version shows up on the next load.
// - Page navigations: network first; when the server cannot be reached, offline.html explains why.
// - APIs (/v1, /web, /apps) and everything else: straight to the network, never cached.

const CACHE = "realtalk-shell-v3";

const SHELL = [
  "/offline.html",
  "/manifest.webmanifest",
  "/static/css/app.css",
  "/static/css/offline.css",
  "/static/js/app.js",
  "/static/js/api.js",
  "/static/js/call.js",
  "/static/js/chat.js",
  "/static/js/conversation.js",
  "/static/js/images.js",
  "/static/js/markdown.js",
  "/static/js/media.js",
  "/static/js/offline.js",
  "/static/js/operator.js",
  "/static/js/settings.js",
  "/static/js/ui/composer.js",
  "/static/js/ui/login.js",
  "/static/js/ui/panels.js",
  "/static/js/ui/settings-drawer.js",
  "/static/js/ui/status.js",
  "/static/js/ui/tools.js",
  "/static/js/ui/transcript.js",
  "/static/vendor/marked.esm.js",
  "/static/vendor/purify.es.js",
  "/static/icons/icon.svg",
  "/static/icons/icon-192.png",
  "/static/icons/icon-512.png",
  "/static/icons/icon-maskable-512.png",
  "/static/icons/apple-touch-icon.png",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;

  if (request.mode === "navigate") {
    if (url.pathname === "/") event.respondWith(networkOr(request, "/offline.html"));
    return; // Other pages (the docs, /apps/...) belong to the server.
  }
  if (url.pathname.startsWith("/static/") || SHELL.includes(url.pathname)) {
    event.respondWith(cacheFirst(event, request));
  }
});

async function networkOr(request, fallback) {
  try {
    return await fetch(request);
  } catch {
    return (await caches.match(fallback)) || Response.error();
  }
}

async function cacheFirst(event, request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  const refresh = fetch(request).then((response) => {
    if (response.status === 200) cache.put(request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(refresh.catch(() => {})); // Offline: the cached copy is all there is.
    return cached;
  }
  return refresh;
}

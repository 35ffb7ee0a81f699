// The offline page: retry on click, and by itself as soon as the browser is back online.
const retry = () => location.replace("/");
document.getElementById("retry").addEventListener("click", retry);
window.addEventListener("online", retry);

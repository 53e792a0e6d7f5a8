// The progress report's print button (the browser's own Print works without it).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});

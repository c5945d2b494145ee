// Imports (DB-7): disable the upload button once the form is sent, so a large file is not sent twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains("imports-upload")) return;
  const button = form.querySelector("[data-imports-busy]");
  if (button) {
    button.disabled = true;
    button.textContent = button.dataset.importsBusy;
  }
});

// Choosing a lecture or section reloads the planner at once, with its conflicts drawn.
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.requestSubmit());
});

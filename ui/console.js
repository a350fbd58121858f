import { AuthRequiredError, setApiKey } from "./api.js";
import { startLogs } from "./logs.js";
import { startPlayground } from "./playground.js";
import { startStatus } from "./status.js";

const logs = startLogs();
const playground = startPlayground();
const connection = document.getElementById("conn");
const keyForm = document.getElementById("keyform");

keyForm.addEventListener("submit", (event) => {
  event.preventDefault();
  setApiKey(document.getElementById("apikey").value.trim());
  keyForm.hidden = true;
  showTab();
});

startStatus({
  onConnection: (error) => {
    if (error instanceof AuthRequiredError) {
      keyForm.hidden = false;
      connection.textContent = "API key required";
    } else if (error !== undefined) {
      connection.textContent = `disconnected: ${error.message}`;
    } else {
      keyForm.hidden = true;
      connection.textContent = `live · ${new Date().toLocaleTimeString()}`;
      if (!document.getElementById("logs").hidden) void logs.refreshSources();
    }
    connection.classList.toggle("bad", error !== undefined);
  },
});

function showTab() {
  const tab = location.hash.slice(1) || "status";
  for (const section of document.querySelectorAll("section.tab")) section.hidden = section.id !== tab;
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("active", link.dataset.tab === tab);
  if (tab === "logs") logs.activate();
  if (tab === "playground") void playground.activate();
}

window.addEventListener("hashchange", showTab);
showTab();

// Recheck buttons: POST the form, follow the job it starts (/jobs/<id>) once a second, reload when it is done.
"use strict";

function followJob(url, show, onEnd) {
  fetch(url, {headers: {Accept: "application/json"}})
    .then((response) => response.json())
    .then((job) => {
      show(`Recheck ${job.status}: ${job.message} (${job.seconds} s)`);
      if (!job.finished) { setTimeout(() => followJob(url, show, onEnd), 1000); return; }
      if (job.status === "done") { window.location.assign(window.location.pathname); } else { onEnd(); }
    })
    .catch((error) => { show(`Recheck status unknown: ${error}`); onEnd(); });
}

document.querySelectorAll("form.recheck").forEach((form) => {
  const status = form.querySelector(".job-status");
  const button = form.querySelector("button");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    button.disabled = true;
    status.textContent = "Starting the recheck…";
    fetch(form.action, {method: "POST", body: new FormData(form), headers: {Accept: "application/json"}})
      .then((response) => response.json().then((body) => ({ok: response.ok, body})))
      .then(({ok, body}) => {
        if (!ok) { status.textContent = body.detail || "The recheck could not start."; button.disabled = false; return; }
        followJob(body.status_url, (text) => { status.textContent = text; }, () => { button.disabled = false; });
      })
      .catch((error) => { status.textContent = `The recheck could not start: ${error}`; button.disabled = false; });
  });
});

// A page opened after a plain (script-less) form post carries ?job=<id>: follow that job too.
document.querySelectorAll(".job-banner[data-job-url]").forEach((banner) => {
  followJob(banner.dataset.jobUrl, (text) => { banner.textContent = text; }, () => {});
});

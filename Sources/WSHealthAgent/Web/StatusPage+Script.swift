extension StatusPage {
    /// The page's script: polls `/api/v1/targets` every 2 s and redraws `#targets` with the
    /// markup ``StatusPage/target(_:in:)`` renders (keeping expanded targets open), and sends
    /// the Retry buttons' POSTs without leaving the page. Every value is escaped by `esc`.
    static let script = #"""
        "use strict";
        const STATES = ["disconnected", "connecting", "connected", "receiving_data", "reconnecting", "error"];
        const SEVERITY = ["error", "reconnecting", "disconnected", "connecting", "connected", "receiving_data"];
        const MAX_ROWS = 100;
        const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
        const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]);

        function ago(now, time) {
          if (!time) return "never";
          const s = Math.max(0, Math.floor((Date.parse(now) - Date.parse(time)) / 1000));
          if (s < 60) return s + "s ago";
          if (s < 3600) return Math.floor(s / 60) + "m ago";
          if (s < 86400) return Math.floor(s / 3600) + "h ago";
          return Math.floor(s / 86400) + "d ago";
        }

        function badge(session, max) {
          const a = session.reconnect_attempt;
          const [kind, label, mark] = {
            disconnected: ["disconnected", "Disconnected", '<i class="icon" aria-hidden="true">⚠</i>'],
            connecting: ["connecting", a > 0 ? `Connecting… (attempt ${a}/${max})` : "Connecting…",
              '<i class="spinner"></i>'],
            connected: ["connected", "Connected", '<i class="icon" aria-hidden="true">✓</i>'],
            receiving_data: ["live", "Live", '<i class="pulse"></i>'],
            reconnecting: ["reconnecting", `Reconnecting… (attempt ${a}/${max})`, ""],
            error: ["error", "Connection Failed", '<i class="icon" aria-hidden="true">✕</i>'],
          }[session.state] ?? ["disconnected", session.state, ""];
          const percent = Math.min(100, Math.floor((a * 100) / Math.max(1, max)));
          const bar =
            kind === "reconnecting" ? `<span class="bar"><span style="width:${percent}%"></span></span>` : "";
          return `<span class="badge b-${kind}">${mark}${esc(label)}${bar}</span>`;
        }

        const stale = (share) =>
          `<span class="badge b-stale" title="no valid message for stale_after">Stale data${share}</span>`;
        const message = (s) =>
          s.error_message ? `<span class="message">${esc(`Unable to connect: ${s.error_message}.`)}</span>` : "";
        const rank = (s) => SEVERITY.indexOf(s.state);

        function sessionRow(report, target, s) {
          const failure = s.last_failure_reason
            ? esc(s.last_failure_reason) +
              (s.last_failure_detail == null ? "" : `<small>${esc(s.last_failure_detail)}</small>`)
            : "–";
          return `<tr data-session="${esc(s.index)}"><td><button type="button" class="timeline" ` +
            `aria-expanded="false" title="events of session ${esc(s.index)}">${esc(s.index)}</button></td>` +
            `<td>${badge(s, target.max_reconnect_attempts)}` +
            `${s.data_stale ? stale("") : ""}${message(s)}</td>` +
            `<td>${ago(report.generated_at, s.data_at ?? s.last_message_at)}</td><td>${failure}</td>` +
            `<td>${esc(s.last_disconnect_cause ?? "–")}</td></tr>`;
        }

        function targetBlock(report, t) {
          const worse = (s, best) =>
            rank(s) < rank(best) || (rank(s) === rank(best) && s.reconnect_attempt > best.reconnect_attempt);
          const head = t.sessions.reduce((best, s) => (!best || worse(s, best) ? s : best), null);
          let status = "";
          if (head) {
            status = badge(head, t.max_reconnect_attempts);
            const share = t.sessions.length > 1 ? ` (${t.stale_sessions}/${t.sessions.length})` : "";
            if (t.stale_sessions > 0) status += stale(share);
            status += message(head);
          }
          const chips = STATES.filter((st) => t.sessions_by_state[st] > 0)
            .map((st) => `<span class="chip">${esc(t.sessions_by_state[st])} ${st}</span>`).join("");
          const retry = t.sessions_by_state.error > 0
            ? `<button class="retry" type="submit" form="retry" ` +
              `formaction="/api/v1/targets/${esc(encodeURIComponent(t.name))}/retry">Retry</button>`
            : "";
          const rows = t.sessions.slice(0, MAX_ROWS).map((s) => sessionRow(report, t, s));
          if (t.sessions.length > MAX_ROWS) {
            rows.push(`<tr><td colspan="5">… ${t.sessions.length - MAX_ROWS} more sessions ` +
              `in <a href="/api/v1/targets">/api/v1/targets</a></td></tr>`);
          }
          return `<details class="target" data-target="${esc(t.name)}"><summary>` +
            `<span class="name">${esc(t.name)}<small>${esc(t.url)}</small></span>` +
            `<span class="state">${status}</span><span class="counts">${chips}</span>` +
            `<span class="updated">Last updated: ${ago(report.generated_at, t.data_at ?? t.last_message_at)}</span>` +
            `${retry}</summary>\n` +
            `<table><thead><tr><th>Session</th><th>Status</th><th>Last updated</th><th>Last failure</th>` +
            `<th>Last disconnect</th></tr></thead><tbody>${rows.join("")}</tbody></table></details>\n`;
        }

        // Open timelines, by target and session: each `{target, index, report}`, fetched again
        // at every refresh and placed under its session's row after every redraw.
        const timelines = new Map();
        const BADGE_OF_STATE = { receiving_data: "live" };
        const seconds = (name, value) => (value == null ? "" : `${name} ${value.toFixed(3)} s`);

        function timelineRow(entry) {
          if (!entry.report) return '<tr class="timeline"><td colspan="5">No events available.</td></tr>';
          const items = entry.report.events.map((e) => {
            const kind = e.kind === "transition" ? BADGE_OF_STATE[e.to] ?? e.to : "stale";
            const label = e.kind === "transition" ? `${e.from} → ${e.to}`
              : e.kind === "stale_marked" ? "Stale data" : "Data fresh";
            const facts = [e.event, e.reason, e.http_status == null ? "" : `HTTP ${e.http_status}`,
              e.close_code == null ? "" : `close ${e.close_code}`, seconds("handshake", e.handshake_seconds),
              seconds("reconnected after", e.reconnect_seconds), seconds("first message after", e.first_message_seconds),
              seconds("backoff", e.backoff_seconds), e.attempt > 0 ? `attempt ${e.attempt}` : ""].filter(Boolean);
            return `<li class="event"><time datetime="${esc(e.at)}">${esc(e.at.slice(11, 23))}</time>` +
              `<span class="badge b-${esc(kind)}">${esc(label)}</span><span>${esc(facts.join(" · "))}</span>` +
              (e.detail == null ? "" : `<small>${esc(e.detail)}</small>`) + "</li>";
          });
          return `<tr class="timeline"><td colspan="5"><ol class="events">${items.join("")}</ol></td></tr>`;
        }

        async function fetchTimeline(entry) {
          const path = `/api/v1/targets/${encodeURIComponent(entry.target)}/sessions/${entry.index}/events`;
          const response = await fetch(path, { cache: "no-store" });
          entry.report = response.ok ? await response.json() : null;
        }

        function placeTimelines(main) {
          for (const entry of timelines.values()) {
            const block = [...main.querySelectorAll("details")].find((d) => d.dataset.target === entry.target);
            const row = block?.querySelector(`tr[data-session="${entry.index}"]`);
            if (!row) continue;
            row.querySelector("button.timeline").setAttribute("aria-expanded", "true");
            row.insertAdjacentHTML("afterend", timelineRow(entry));
          }
        }

        let lastReport = null;

        function render(report) {
          lastReport = report;
          const main = document.getElementById("targets");
          const open = new Set([...main.querySelectorAll("details[open]")].map((d) => d.dataset.target));
          main.innerHTML = report.targets.length
            ? report.targets.map((t) => targetBlock(report, t)).join("")
            : '<p class="empty">No targets configured.</p>';
          for (const d of main.querySelectorAll("details")) d.open = open.has(d.dataset.target);
          placeTimelines(main);
          document.body.dataset.renderedBy = "script";
          document.getElementById("refreshed").textContent =
            `Updated ${new Date().toLocaleTimeString()}; refreshing every 2 s.`;
        }

        function renderAlerts(report) {
          const rank = { critical: 0, warning: 1 };
          const alerts = report.alerts.slice().sort(
            (a, b) => (rank[a.labels.severity] ?? 2) - (rank[b.labels.severity] ?? 2));
          document.getElementById("alerts").innerHTML = alerts.length
            ? "<h2>Alerts firing</h2><ul>" + alerts.map((a) =>
                `<li class="alert ${esc(a.labels.severity ?? "")}"><strong>${esc(a.labels.alertname ?? "")}</strong> ` +
                `${esc(a.labels.target ?? "")} — ${esc(a.annotations.description ?? "")}</li>`).join("") + "</ul>"
            : "";
        }

        async function refresh() {
          try {
            const response = await fetch("/api/v1/targets", { cache: "no-store" });
            if (!response.ok) throw new Error(`HTTP ${response.status}`);
            const report = await response.json();
            await Promise.all([...timelines.values()].map(fetchTimeline));
            render(report);
            const alerts = await fetch("/api/v1/alerts", { cache: "no-store" });
            if (alerts.ok) renderAlerts(await alerts.json());
          } catch (error) {
            document.getElementById("refreshed").textContent =
              `Cannot reach the agent (${error.message}); showing the last known state.`;
          }
        }

        document.getElementById("targets").addEventListener("click", async (event) => {
          const button = event.target.closest("button.timeline");
          if (!button) return;
          const target = button.closest("details").dataset.target;
          const index = Number(button.closest("tr").dataset.session);
          const key = `${target}\n${index}`;
          if (timelines.has(key)) {
            timelines.delete(key);
          } else {
            const entry = { target, index, report: null };
            timelines.set(key, entry);
            await fetchTimeline(entry);
          }
          if (lastReport) render(lastReport);
          else await refresh();
        });

        document.getElementById("retry").addEventListener("submit", async (event) => {
          event.preventDefault();
          const button = event.submitter;
          if (!button) return;
          button.disabled = true;
          button.textContent = "Retrying…";
          const notice = document.getElementById("notice");
          try {
            const response = await fetch(button.formAction, { method: "POST" });
            const body = await response.json();
            notice.textContent = response.ok
              ? `Retried ${body.retried} session${body.retried === 1 ? "" : "s"} of ${body.target}.`
              : body.error;
          } catch (error) {
            notice.textContent = `Retry failed: ${error.message}`;
          }
          await refresh();
        });

        (async function poll() {
          await refresh();
          setTimeout(poll, 2000);
        })();
        """#
}

import Foundation

/// The dashboard's Pinia store of the design document (`metrics.js`: `connect`, `onopen`,
/// `onmessage`, `onclose`, `attemptReconnect`), as a page Chromium runs: the same actions and
/// the same decisions, without Vue. Every assignment to `connectionState` is logged as an edge,
/// with the close codes the browser reported and the reconnect delays the store chose.
enum DashboardStore {
    /// A page that runs the store against the WebSocket URL in its fragment, and exposes
    /// `window.parity`: `{state(), edges, closeCodes, delays}`.
    static let page = """
        <!doctype html>
        <meta charset="utf-8">
        <title>dashboard store</title>
        <script>
        const url = decodeURIComponent(location.hash.slice(1));
        const edges = [];
        const closeCodes = [];
        const delays = [];
        const metricsStore = {
          ws: null,
          state: "disconnected",
          currentMetrics: null,
          reconnectAttempts: 0,
          maxReconnectAttempts: 10,
          get connectionState() { return this.state; },
          set connectionState(value) { edges.push([this.state, value]); this.state = value; },

          connect() {
            this.connectionState = "connecting";
            this.ws = new WebSocket(url);
            this.ws.onopen = () => {
              this.connectionState = "connected";
              this.reconnectAttempts = 0;
            };
            this.ws.onmessage = (event) => {
              if (this.connectionState === "connected") {
                this.connectionState = "receiving_data";
              }
              this.currentMetrics = JSON.parse(event.data);
              this.lastUpdateTime = new Date();
            };
            this.ws.onerror = () => {};
            this.ws.onclose = (event) => {
              closeCodes.push(event.code);
              if (event.code === 1008) {
                this.connectionState = "error";
                this.errorMessage = "Authentication failed";
              } else {
                this.connectionState = "disconnected";
                this.attemptReconnect();
              }
            };
          },

          attemptReconnect() {
            if (this.reconnectAttempts >= this.maxReconnectAttempts) {
              this.connectionState = "error";
              this.errorMessage = "Max reconnection attempts exceeded";
              return;
            }
            this.connectionState = "reconnecting";
            this.reconnectAttempts++;
            const delay = Math.min(1000 * Math.pow(2, this.reconnectAttempts), 30000);
            delays.push(delay);
            setTimeout(() => {
              if (this.connectionState === "reconnecting") {
                this.connect();
              }
            }, delay);
          },
        };
        window.parity = { state: () => metricsStore.connectionState, edges, closeCodes, delays };
        metricsStore.connect();
        </script>
        """

    /// Writes the page to a new temporary file and returns its URL for `webSocketURL`.
    static func write(for webSocketURL: String) throws -> (file: URL, url: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("wshealth-store-\(UUID()).html")
        try Self.page.write(to: file, atomically: true, encoding: .utf8)
        let fragment = webSocketURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? webSocketURL
        return (file, "file://\(file.path)#\(fragment)")
    }
}

package irqlab.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the DevTools protocol (a loopback websocket, the JDK's own
 * client): opens pages, evaluates expressions, presses keys, takes screenshots, and records every
 * console error, uncaught exception, failed request and request that leaves file: and data: URLs.
 */
final class HeadlessChromium implements AutoCloseable {
  static final long TIMEOUT_MS = 30_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path profile;
  private final WebSocket ws;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> problems = new ArrayList<>();
  private final List<String> loadEvents = new ArrayList<>();
  private String session;

  /** The chromium binary: IRQLAB_CHROMIUM, else chromium or chromium-browser on the PATH; null if none. */
  static Path find() {
    String env = System.getenv("IRQLAB_CHROMIUM");
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env);
      return Files.isExecutable(p) ? p : null;
    }
    String path = System.getenv("PATH");
    for (String dir : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
      for (String name : new String[] {"chromium", "chromium-browser"}) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  HeadlessChromium(Path binary) throws Exception {
    profile = Files.createTempDirectory("irqlab-chromium-");
    process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
        "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--window-size=1280,1000", "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread drain = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          int at = l.indexOf("DevTools listening on ");
          if (at >= 0) {
            url.complete(l.substring(at + "DevTools listening on ".length()).trim());
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      url.completeExceptionally(new IllegalStateException("chromium exited before opening DevTools"));
    }, "chromium-stderr");
    drain.setDaemon(true);
    drain.start();
    String wsUrl = url.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(wsUrl), new Listener())
        .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    String target = call(null, "Target.createTarget", obj().put("url", "about:blank")).get("targetId").asText();
    session = call(null, "Target.attachToTarget", obj().put("targetId", target).put("flatten", true))
        .get("sessionId").asText();
    for (String domain : new String[] {"Runtime", "Log", "Network", "Page"}) {
      send(domain + ".enable", obj());
    }
  }

  static ObjectNode obj() {
    return JSON.createObjectNode();
  }

  /** Sends a command to the page and waits for its result. */
  JsonNode send(String method, ObjectNode params) throws Exception {
    return call(session, method, params);
  }

  private JsonNode call(String sessionId, String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = obj().put("id", id).put("method", method);
    msg.set("params", params);
    if (sessionId != null) {
      msg.put("sessionId", sessionId);
    }
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    ws.sendText(JSON.writeValueAsString(msg), true).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    JsonNode reply = f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    if (reply.has("error")) {
      throw new IllegalStateException(method + ": " + reply.get("error"));
    }
    return reply.path("result");
  }

  /** Opens {@code file} and waits until the page's scripts have rendered every section. */
  void open(Path file) throws Exception {
    synchronized (loadEvents) {
      loadEvents.clear();
    }
    send("Page.navigate", obj().put("url", file.toUri().toString()));
    long deadline = System.currentTimeMillis() + TIMEOUT_MS;
    while (!"1".equals(eval("document.readyState === 'complete' && document.body"
        + " && document.body.getAttribute('data-ready') || ''").asText())) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("page did not render within " + TIMEOUT_MS + " ms: " + file
            + "; problems: " + problems());
      }
      Thread.sleep(50);
    }
  }

  /** The value of a JavaScript expression (JSON-serialisable values come back as JSON). */
  JsonNode eval(String expression) throws Exception {
    JsonNode r = send("Runtime.evaluate", obj().put("expression", expression).put("returnByValue", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("evaluating " + expression + ": " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** Presses and releases a key (e.g. "Home", "ArrowRight") in the focused element. */
  void press(String key, int keyCode) throws Exception {
    for (String type : new String[] {"rawKeyDown", "keyUp"}) {
      send("Input.dispatchKeyEvent", obj().put("type", type).put("key", key).put("code", key)
          .put("windowsVirtualKeyCode", keyCode).put("nativeVirtualKeyCode", keyCode));
    }
  }

  /** Lays pages out {@code width} CSS pixels wide (a screenshot leaves its own width in place). */
  void width(int width) throws Exception {
    send("Emulation.setDeviceMetricsOverride", obj().put("width", width).put("height", 1000).put("deviceScaleFactor", 1)
        .put("mobile", false));
  }

  /** Clicks with the left mouse button at the centre of the first element {@code selector} matches. */
  void click(String selector) throws Exception {
    JsonNode at = eval("(() => { const e = document.querySelector(" + JSON.writeValueAsString(selector) + ");"
        + " if (!e) return null; e.scrollIntoView({block: 'center'}); const b = e.getBoundingClientRect();"
        + " return [b.left + b.width / 2, b.top + b.height / 2]; })()");
    if (at.isNull() || at.isMissingNode()) {
      throw new IllegalStateException("nothing to click: " + selector);
    }
    for (String type : new String[] {"mousePressed", "mouseReleased"}) {
      send("Input.dispatchMouseEvent", obj().put("type", type).put("x", at.get(0).asDouble()).put("y", at.get(1).asDouble())
          .put("button", "left").put("clickCount", 1));
    }
  }

  /** A PNG of the whole page, {@code width} CSS pixels wide. */
  void screenshot(Path png, int width) throws Exception {
    int height = eval("Math.ceil(document.documentElement.scrollHeight)").asInt();
    send("Emulation.setDeviceMetricsOverride", obj().put("width", width).put("height", Math.min(height, 8000))
        .put("deviceScaleFactor", 1).put("mobile", false));
    JsonNode r = send("Page.captureScreenshot", obj().put("format", "png"));
    Files.createDirectories(png.getParent());
    Files.write(png, Base64.getDecoder().decode(r.get("data").asText()));
  }

  /** A PNG of the page from the top of element {@code fromId} to the bottom of {@code toId}. */
  void screenshot(Path png, int width, String fromId, String toId) throws Exception {
    int height = eval("Math.ceil(document.documentElement.scrollHeight)").asInt();
    send("Emulation.setDeviceMetricsOverride", obj().put("width", width).put("height", Math.min(height, 8000))
        .put("deviceScaleFactor", 1).put("mobile", false));
    JsonNode box = eval("(() => { const a = document.getElementById('" + fromId + "').getBoundingClientRect(),"
        + " b = document.getElementById('" + toId + "').getBoundingClientRect();"
        + " return [a.left + scrollX, a.top + scrollY, Math.max(a.right, b.right) - a.left, b.bottom - a.top]; })()");
    ObjectNode clip = obj().put("x", box.get(0).asDouble()).put("y", box.get(1).asDouble())
        .put("width", box.get(2).asDouble()).put("height", box.get(3).asDouble()).put("scale", 1);
    ObjectNode params = obj().put("format", "png").put("captureBeyondViewport", true);
    params.set("clip", clip);
    JsonNode r = send("Page.captureScreenshot", params);
    Files.createDirectories(png.getParent());
    Files.write(png, Base64.getDecoder().decode(r.get("data").asText()));
  }

  /** Console errors, exceptions, failed requests and non-local requests seen so far. */
  List<String> problems() {
    synchronized (problems) {
      return List.copyOf(problems);
    }
  }

  private void event(JsonNode m) {
    String method = m.path("method").asText();
    JsonNode p = m.path("params");
    String problem = switch (method) {
      case "Runtime.consoleAPICalled" -> p.path("type").asText().equals("error") || p.path("type").asText().equals("assert")
          ? "console." + p.path("type").asText() + ": " + p.path("args") : null;
      case "Runtime.exceptionThrown" -> "exception: " + p.path("exceptionDetails");
      case "Log.entryAdded" -> p.path("entry").path("level").asText().equals("error")
          ? "log error: " + p.path("entry").path("text").asText() + " " + p.path("entry").path("url").asText() : null;
      case "Network.loadingFailed" -> "request failed: " + p.path("errorText").asText() + " (" + p.path("type").asText() + ")";
      case "Network.requestWillBeSent" -> {
        String url = p.path("request").path("url").asText();
        yield url.startsWith("file:") || url.startsWith("data:") || url.equals("about:blank")
            ? null : "request to the network: " + url;
      }
      default -> null;
    };
    if (problem != null) {
      synchronized (problems) {
        problems.add(problem);
      }
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder buf = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
      buf.append(data);
      if (last) {
        try {
          JsonNode m = JSON.readTree(buf.toString());
          if (m.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
            if (f != null) {
              f.complete(m);
            }
          } else {
            event(m);
          }
        } catch (IOException e) {
          synchronized (problems) {
            problems.add("unreadable DevTools message: " + e.getMessage());
          }
        }
        buf.setLength(0);
      }
      w.request(1);
      return null;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      // Not awaited: the browser may close the socket before it answers.
      ws.sendText(JSON.writeValueAsString(obj().put("id", ids.incrementAndGet()).put("method", "Browser.close")), true)
          .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // the browser may already be gone
    }
    try {
      ws.abort();
    } catch (RuntimeException e) {
      // already closed
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    try (Stream<Path> s = Files.walk(profile)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

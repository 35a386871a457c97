package irqlab.report.html;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One section of the HTML report: a JSON data block and the inline script that renders it. The
 * page embeds the data as {@code <script type="application/json" id="data-ID">} and the script
 * registers {@code IRQLAB.section("ID", function (data, el) {...})}; a new view (the swimlanes of
 * a replayed schedule) is one more implementation and one more script resource.
 */
interface ReportSection {
  /** The section's id: [a-z]+, used for the element and data block ids. */
  String id();

  /** The heading shown above it. */
  String title();

  /** Its data; deterministic (insertion-ordered objects, integers or fixed strings, no doubles). */
  JsonNode data();

  /** The classpath resource (under irqlab/report/html/) holding its renderer. */
  String script();
}

/**
 * The self-contained HTML report of a run: data gathered by passive observers while it runs, one
 * JSON data block and one inline JavaScript renderer per section, no network.
 */
package irqlab.report.html;

package invoicing.tools.einvoice;

import java.nio.charset.StandardCharsets;
import java.io.PrintStream;
import org.mustangproject.validator.ZUGFeRDValidator;

/**
 * Runs Mustang's validator on every file named on the command line in one JVM, because starting
 * the JVM and loading the Schematron costs seconds and the tests validate many files. Prints one
 * XML document: a {@code <report file=".." millis="..">} per file holding Mustang's own report
 * unchanged, so the caller parses what the validator said, not a summary of it.
 */
public final class ValidateEInvoices {
  private ValidateEInvoices() {}

  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("usage: ValidateEInvoices <file>... (Factur-X/ZUGFeRD PDF, CII or UBL XML)");
      System.exit(2);
    }
    // Mustang and veraPDF print progress to stdout; the reports are the only thing the caller
    // may read there, so everything else goes to stderr.
    PrintStream reports = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    reports.println("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    reports.println("<reports>");
    for (String file : args) {
      long started = System.nanoTime();
      // A validator per file: Mustang keeps results in its context, and one file's findings
      // must never be counted against the next.
      ZUGFeRDValidator validator = new ZUGFeRDValidator();
      String report = validator.validate(file);
      long millis = (System.nanoTime() - started) / 1_000_000;
      reports.printf("<report file=\"%s\" millis=\"%d\">%n", escapeAttribute(file), millis);
      reports.println(withoutDeclaration(report));
      reports.println("</report>");
    }
    reports.println("</reports>");
    reports.flush();
  }

  private static String withoutDeclaration(String xml) {
    String trimmed = xml.strip();
    if (trimmed.startsWith("<?xml")) {
      return trimmed.substring(trimmed.indexOf("?>") + 2).strip();
    }
    return trimmed;
  }

  private static String escapeAttribute(String value) {
    return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
  }
}

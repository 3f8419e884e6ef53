// Validate checks XML files against an XML Schema with the validator the
// Java runtime ships (javax.xml.validation), for tests of XML renderers:
//
//	java Validate.java SCHEMA.xsd FILE.xml...
//
// It prints one line per problem, FILE:LINE:COLUMN: message, and exits 1
// when any file is invalid.
import java.io.File;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

public class Validate {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java Validate.java SCHEMA.xsd FILE.xml...");
            System.exit(2);
        }
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        Validator validator = factory.newSchema(new File(args[0])).newValidator();
        final int[] problems = {0};
        for (int i = 1; i < args.length; i++) {
            final String name = args[i];
            validator.setErrorHandler(new ErrorHandler() {
                public void warning(SAXParseException e) {}
                public void error(SAXParseException e) { report(e); }
                public void fatalError(SAXParseException e) { report(e); }
                void report(SAXParseException e) {
                    problems[0]++;
                    System.out.println(name + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": " + e.getMessage());
                }
            });
            try {
                validator.validate(new StreamSource(new File(name)));
            } catch (SAXParseException e) {
                // reported by the handler
            }
        }
        System.exit(problems[0] > 0 ? 1 : 0);
    }
}

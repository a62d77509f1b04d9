// Prints every `sh` step of a Jenkinsfile as one JSON string a line; fails on a syntax error.
// Used by jenkinsfile.spec.ts (Debian's groovy package): Jenkins itself cannot run here.
import groovy.json.JsonOutput
import org.codehaus.groovy.ast.CodeVisitorSupport
import org.codehaus.groovy.ast.builder.AstBuilder
import org.codehaus.groovy.ast.expr.ConstantExpression
import org.codehaus.groovy.ast.expr.GStringExpression
import org.codehaus.groovy.ast.expr.MethodCallExpression
import org.codehaus.groovy.control.CompilePhase

def nodes = new AstBuilder().buildFromString(CompilePhase.CONVERSION, false, new File(args[0]).text)
def visitor = new CodeVisitorSupport() {
  void visitMethodCallExpression(MethodCallExpression call) {
    if (call.methodAsString == 'sh') {
      def arg = call.arguments.expressions[0]
      println JsonOutput.toJson(arg instanceof ConstantExpression ? arg.value : arg.text)
    }
    super.visitMethodCallExpression(call)
  }
}
nodes.findAll { !(it instanceof org.codehaus.groovy.ast.ClassNode) }.each { it.visit(visitor) }

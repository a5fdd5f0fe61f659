import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pythonTool } from './python-venv.ts';

/**
 * `npm run check:stack`: cfn-lint on every template the CDK app synthesizes, in each variant a
 * deployment can choose, each into its own directory: the stack and the console's nested stack. A
 * finding fails the check; a rule a resource cannot meet is suppressed beside it (lib/cfn-lint.ts).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// cdk-nag's rules are checked by test/lib/aws-posture.test.ts; here only the templates are wanted.
process.env.CDK_VALIDATION ??= 'false';

const VARIANTS: Record<string, Record<string, string>> = {
  default: {},
  cognito: { cognito: 'true' },
  warmThroughput: { warmThroughput: 'true' },
};

const { synthesizeTemplateFiles } = await import('../lib/synthesize.ts');
const cfnLint = pythonTool('cfn-lint');
const outRoot = mkdtempSync(join(tmpdir(), 'check-stack-'));
let exitCode = 1;
try {
  const templates = Object.entries(VARIANTS).flatMap(([variant, context]) => {
    const files = synthesizeTemplateFiles(join(outRoot, variant), context);
    console.error(`${variant}: ${files.length} templates`);
    return files;
  });
  const lint = spawnSync(cfnLint, ['--format', 'parseable', '--', ...templates], { stdio: 'inherit' });
  exitCode = lint.status ?? 1;
  console.error(
    exitCode === 0 ? `cfn-lint: no finding in ${templates.length} templates` : `cfn-lint exited ${exitCode}`,
  );
} finally {
  rmSync(outRoot, { recursive: true, force: true });
}
process.exit(exitCode);

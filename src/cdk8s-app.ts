import { main } from './cli/main';
import { CliIo, processIo } from './cli/io';

/**
 * Entry point of `npx cdk8s synth` (cdk8s.yaml: `app: node lib/src/cdk8s-app.js`): the same pipeline, checks,
 * diagnostics and exit statuses as `kfaas synth`, publishing into `$CDK8S_OUTDIR` (cdk8s.out under `cdk8s synth`,
 * which empties it first; hence never dist/) or dist/ when run by hand. The project root is the working folder.
 */
export function cdk8sSynth(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
  io: Pick<CliIo, 'stdout' | 'stderr'> = processIo(),
): Promise<number> {
  return main(['synth', '--root', '.', '--out', env.CDK8S_OUTDIR || 'dist'], { stdout: io.stdout, stderr: io.stderr, env, cwd });
}

if (require.main === module) {
  void cdk8sSynth().then((code) => {
    process.exitCode = code;
  });
}

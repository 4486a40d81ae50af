/** `kfaas --help`. */
export const HELP = `kfaas: compiles routes/ and clusters/ into Istio VirtualServices per cluster and environment (dist/<cluster>/<env>/).

Usage:
  kfaas synth    [--root DIR] [--out DIR] [--check] [--no-cache] [--adopt] [--allow-empty]
                                                      check everything, then write changed files to the output folder
                                                      (--check: write nothing, name every differing file, exit 2
                                                      if any; with clusters/delivery.yaml also the Argo CD / Flux
                                                      objects under _argocd/, _flux-<cluster>/ and .github/CODEOWNERS)
  kfaas watch    [--root DIR] [--out DIR] [--adopt] [--allow-empty] [--poll MS] [--debounce MS]
                                                      synth now and again on every change of clusters/ or routes/
                                                      (the project kept in memory: an edit is published in well
                                                      under a second); errors leave the output folder as it was;
                                                      Ctrl-C (SIGINT) or SIGTERM stops it (exit 0)
  kfaas validate [--root DIR] [--allow-empty]         run every check and render in memory; write nothing
  kfaas explain  --cluster C --env E PATH [--root DIR] [--gateway NS/NAME] [--host H]
                 [--method M] [--header K=V]... [--query K=V]...
                                                      which route a request for PATH takes in C/E, and which lose;
                                                      --host: a business domain of E, or the Java export host
                                                      java-export.kfaas-system.svc.<domain> (then --env is optional)
  kfaas import   --cluster C --env E FILE|DIR|- ... [--team-from RULE] [--lossy] [--istio X --knative Y]
                 [--dry-run] [--format text|json] [--root DIR]
                                                      turn hand-written VirtualServices into routes/ (proven equivalent)
  kfaas diff     --base REF [--format text|markdown|json] [--root DIR] [--out DIR]
                                                      what the working tree's render changes against the output folder
                                                      committed at REF: route changes field by field, routing impact,
                                                      guards for removed production routes/environments/clusters
  kfaas upgrade-plan --cluster C [--istio X] [--knative Y] [--format text|markdown|json] [--root DIR] [--out DIR]
                                                      C's output with new versions (in memory) against C's folder on
                                                      disk, and the diagnostics they raise or resolve; writes nothing,
                                                      exit 2 if the new versions would reject something
  kfaas --help | --version

Options:
  --root DIR      project root holding clusters/ and routes/ (default: .)
  --out DIR       output folder (default: <root>/dist); never the project root, routes/, clusters/, schema/,
                  test/ or .git, nor inside routes/ or clusters/; only files this project published there change
  --adopt         synth: publish into a non-empty folder without kfaas output, or over hand-written files at
                  rendered paths
  --allow-empty   synth, validate: a project without any Route is intended (otherwise an error: publishing it
                  would delete every route in the output folder)
  --poll MS       watch: look for changes every MS milliseconds instead of waiting for file system events (a
                  network file system; without it, watch falls back to polling every 1000 ms where events fail)
  --debounce MS   watch: wait until events have stopped for MS milliseconds before a synth (default: 50)
  --gateway G     Istio Gateway the request arrives at (default: the cluster's Knative local gateway; the east-west
                  gateway for a business domain; mesh for the Java export host)
  --host H        the request's host (default: the environment's gateway host)
  --method M      HTTP method of the explained request (default: GET)
  --header K=V    a request header (repeatable)
  --query K=V     a query parameter (repeatable; PATH may also carry ?k=v)
  --team-from R   import: label:<key> | name:<pattern with <team>> | path:<n> | default (routes/imported/)
  --lossy         import: drop fields a Route cannot express, skip objects it cannot express at all
  --base REF      git revision (branch, tag, commit) whose committed output folder is the diff's base
  --format F      text (default, for terminals), markdown (pull-request comment) or json (for tools)

Exit status: 0 ok, 2 invalid input or usage (diagnostics on stderr), 1 internal error (set KFAAS_DEBUG=1 for the stack).
`;

/**
 * The one RE2 module: every question kfaas asks about a regex (is it valid RE2, its literal part, sample paths,
 * overlap and containment between path conditions, program size) is answered here, from the program RE2's own
 * parser and compiler (re2js) build. No other module parses regex syntax.
 */
export { regexProblem } from './check';
export { ecmaScriptProblems } from './ecmascript';
export type { EcmaScriptProblem } from './ecmascript';
export { knownProgramSizes, re2ProgramSize, seedProgramSizes } from './program-size';
export {
  conditionLiteral, coversCondition, findPaths, knownRegexFacts, matchesCondition, overlapSample, regexFacts, regexSamples,
  seedRegexFacts,
} from './language';
export type { Condition, ConditionKind, RegexFacts } from './language';
export { compileRegex, InvalidRegexError, regexFullMatch } from './program';
export type { SearchResult } from './automaton';

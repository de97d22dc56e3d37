// `crm logic` against the official JsonLogic suite: every case must give the
// expected result. Usage: node tests/cli/logic_conformance.mjs PATH/TO/crm SUITE.json
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const [crm, suitePath] = process.argv.slice(2);
const suite = JSON.parse(readFileSync(suitePath, "utf8")).filter((entry) => Array.isArray(entry));

// JSON equality where 1 and 1.0 are the same number.
const same = (a, b) => {
  if (typeof a === "number" && typeof b === "number") return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => same(a[k], b[k]));
  }
  return a === b;
};

let passed = 0, failed = 0;
for (const [rule, data, expected] of suite) {
  let got;
  try {
    got = JSON.parse(execFileSync(crm, ["logic", JSON.stringify(rule), JSON.stringify(data)], { encoding: "utf8" }));
  } catch (error) {
    got = `error: ${error.stderr || error.message}`;
  }
  if (same(got, expected)) passed++;
  else {
    failed++;
    console.log(`FAIL: ${JSON.stringify(rule)} on ${JSON.stringify(data)}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
  }
}
console.log(`crm logic conformance: ${passed} of ${suite.length} cases`);
console.log(`logic: ${passed === suite.length && suite.length === 277 ? 1 : 0} passed, ${passed === suite.length && suite.length === 277 ? 0 : 1} failed`);

/* Object.is (SameValue: NaN is NaN, +0 is not -0). */
if (!Object.is) {
  Object.is = function (a, b) { return a === b ? a !== 0 || 1 / a === 1 / b : a !== a && b !== b; };
}

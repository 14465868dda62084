// Helpers of the model unit tests.
import assert from 'node:assert/strict'

import {HvnetError} from '../../src/model/errors.js'

/** The HvnetError a model call throws; fails the test when it throws none. */
export function refusal(fn: () => unknown): HvnetError {
  try {
    fn()
  } catch (error) {
    assert.ok(error instanceof HvnetError, String(error))
    return error
  }
  assert.fail('no error was thrown')
}

/** The code of the HvnetError a model call throws. */
export function code(fn: () => unknown): string {
  return refusal(fn).code
}

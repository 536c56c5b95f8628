import { BusError } from '@app/bus';

/** The error a bus request failed with; fails the test if it succeeded or failed otherwise. */
export async function busErrorOf(promise: Promise<unknown>): Promise<BusError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BusError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

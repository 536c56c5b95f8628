// The fault suite runs the whole system through several outages.
jest.setTimeout(15 * 60_000);

import { incidentIdFor } from './incident-id';

describe('incidentIdFor', () => {
  it('gives a report the same incident every time, and the id committed incidents already carry', () => {
    expect(incidentIdFor('7d3f0c1e-0000-4000-8000-000000000001')).toBe(incidentIdFor('7d3f0c1e-0000-4000-8000-000000000001'));
    expect(incidentIdFor('report-1')).toBe('c414773e-7973-571b-b09c-31cb3cd56556');
  });

  it('gives different reports different incidents', () => {
    expect(incidentIdFor('report-1')).not.toBe(incidentIdFor('report-2'));
  });
});

import { topUpProblem } from './top-up';

describe('topUpProblem', () => {
  it('accepts whole coins and a card number with spaces or dashes', () => {
    expect(topUpProblem('10', '4242 4242 4242 4242')).toBeUndefined();
    expect(topUpProblem('1', '4000-0000-0000-0002')).toBeUndefined();
  });

  it('refuses amounts payment would refuse', () => {
    for (const amount of ['0', '-5', '1.5', 'ten', '', '100000001']) {
      expect(topUpProblem(amount, '4242424242424242')).toBe(
        'Enter a whole number of coins between 1 and 100 000 000.',
      );
    }
  });

  it('refuses card numbers that are not 12 to 19 digits', () => {
    expect(topUpProblem('10', '4242')).toBe('A card number has 12 to 19 digits.');
    expect(topUpProblem('10', '4242 4242 4242 424x')).toBe('A card number has 12 to 19 digits.');
  });
});

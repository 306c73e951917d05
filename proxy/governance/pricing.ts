/**
 * What a request cost: the serving target's price (its own `price`, else its model's) applied to
 * the usage Azure reported. Cached input tokens are part of the prompt count and are charged at
 * the cached price (the input price when none is set).
 */
import type { Price } from '../../common/config/schema.js';
import type { TokenUsage } from '../usage/extract.js';

/** Cost in the gateway's currency; 0 without a price or usage. */
export function costOf(usage: TokenUsage | undefined, price: Price | undefined): number {
  if (!usage || !price) return 0;
  const cached = Math.min(usage.cached, usage.prompt);
  const cachedPrice = price.cachedInputPerMillion ?? price.inputPerMillion;
  return (
    ((usage.prompt - cached) * price.inputPerMillion +
      cached * cachedPrice +
      usage.completion * price.outputPerMillion) /
    1_000_000
  );
}

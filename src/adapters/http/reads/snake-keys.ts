/** `maxIterations` → `max_iterations`. */
export const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * The keys of one of colonylog's own small records (a loop config, a trigger config) in the API's
 * snake_case, one level deep. Never for user data (inputs, payloads): those keep their keys.
 */
export function snakeKeys(record: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [snakeCase(key), value]));
}

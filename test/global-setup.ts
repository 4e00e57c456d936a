// Placeholder until scripts/services.sh lands: starts nothing.
export default async function setup(): Promise<void> {}

/** Test support of the domain, never in the product build: `@app/domain/testing`. */
export * from './joint-venture.fixture';

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHROMIUM, chromiumInstalled, loadInChromium } from './support/headless-chromium';
import { listenOnLoopback } from './support/raw-http';
import { OPERATOR, RU_MANAGER, startTestApp, VIEWER, type TestApp } from './support/test-app';

type Policy = Map<string, string[]>;

function policyOf(header: unknown): Policy {
  return new Map(
    String(header)
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name, sources]),
  );
}

/** What a directive allows, falling back to default-src as browsers do. */
const sourcesFor = (policy: Policy, directive: string) =>
  policy.get(directive) ?? policy.get('default-src') ?? [];

/** Every `attr="value"` of every `<tag ...>` in the page. */
function attributes(html: string, tag: string, attribute: string): string[] {
  const tags = html.match(new RegExp(`<${tag}\\b[^>]*>`, 'gi')) ?? [];
  return tags.flatMap((found) => {
    const value = new RegExp(`\\b${attribute}\\s*=\\s*['"]([^'"]*)['"]`, 'i').exec(found);
    return value ? [value[1]] : [];
  });
}

/** Security headers on every answer; caching only of what is not about one caller. */
describe('security headers', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('sends a locked-down policy and the usual protections with API answers, errors included', async () => {
    for (const reply of [
      await (await testApp.as(VIEWER)).get('/joint-ventures'),
      await testApp.raw({ method: 'GET', url: '/joint-ventures' }),
      await testApp.raw({ method: 'GET', url: '/health' }),
    ]) {
      const policy = policyOf(reply.headers['content-security-policy']);
      expect(policy.get('default-src')).toEqual(["'none'"]);
      expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
      expect(reply.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': expect.stringContaining('max-age='),
        'cross-origin-resource-policy': 'same-origin',
      });
    }
  });

  it('marks authenticated answers and refusals of protected routes no-store', async () => {
    const reader = await testApp.as(VIEWER);
    expect((await reader.get('/joint-ventures')).headers['cache-control']).toBe('no-store');
    expect((await reader.get('/joint-ventures/not-a-uuid')).headers['cache-control']).toBe(
      'no-store',
    );
    expect(
      (await testApp.raw({ method: 'GET', url: '/joint-ventures' })).headers['cache-control'],
    ).toBe('no-store');
    // Terminus sends its own `no-cache, no-store, must-revalidate` with the health details.
    expect((await (await testApp.as(OPERATOR)).get('/health')).headers['cache-control']).toContain(
      'no-store',
    );
  });

  it('says on 401 how to authenticate, and why a token was refused (RFC 6750)', async () => {
    const missing = await testApp.raw({ method: 'GET', url: '/joint-ventures' });
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="jv-ledger"');
    const basic = await testApp.raw({
      method: 'GET',
      url: '/joint-ventures',
      headers: { authorization: 'Basic YTpi' },
    });
    expect(basic.headers['www-authenticate']).toBe('Bearer realm="jv-ledger"');
    const forged = await testApp.raw({
      method: 'POST',
      url: '/joint-ventures',
      headers: {
        authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJl',
      },
    });
    expect(forged.status).toBe(401);
    expect(forged.headers['www-authenticate']).toMatch(
      /^Bearer realm="jv-ledger", error="invalid_token", error_description="[^"\\]+"$/,
    );
    expect(forged.body.type).toMatch(/invalid-token$/);
  });

  it('tells anonymous callers of /health only up or down', async () => {
    const health = await testApp.raw({ method: 'GET', url: '/health' });
    expect(health.body).toEqual({ status: 'ok' });
    const withBadToken = await testApp.raw({
      method: 'GET',
      url: '/health',
      headers: { authorization: 'Bearer not.a.token' },
    });
    expect([withBadToken.status, withBadToken.body]).toEqual([200, { status: 'ok' }]);
    expect((await (await testApp.as(RU_MANAGER)).get('/health')).body).toEqual({ status: 'ok' });
  });

  describe('the Swagger UI at /docs', () => {
    it('loads nothing its policy forbids (every script, stylesheet, image and style it uses)', async () => {
      const page = await testApp.raw({ method: 'GET', url: '/docs' });
      expect(page.status).toBe(200);
      const html = String(page.body);
      const policy = policyOf(page.headers['content-security-policy']);
      const script = sourcesFor(policy, 'script-src');
      const style = sourcesFor(policy, 'style-src');
      const img = sourcesFor(policy, 'img-src');

      // Scripts: all from this origin; none inline (no 'unsafe-inline' for scripts, ever).
      const scripts = attributes(html, 'script', 'src');
      expect(scripts.length).toBeGreaterThan(0);
      expect(html.match(/<script\b(?![^>]*\bsrc=)[^>]*>/gi) ?? []).toEqual([]);
      expect(script).toEqual(["'self'"]);
      // Stylesheets and icons: this origin; inline <style> blocks and style attributes need it.
      const stylesheets = attributes(html, 'link', 'href');
      for (const url of [...scripts, ...stylesheets])
        expect({ url, relative: !/^[a-z]+:|^\/\//i.test(url) }).toEqual({ url, relative: true });
      expect(style).toEqual(expect.arrayContaining(["'self'"]));
      if (/<style\b|\sstyle=/i.test(html)) expect(style).toContain("'unsafe-inline'");

      // Every referenced file is served; the stylesheet's own images are data: URIs or local.
      for (const url of [...scripts, ...stylesheets]) {
        const asset = await testApp.raw({
          method: 'GET',
          url: new URL(url, 'http://x/docs').pathname,
        });
        expect({ url, status: asset.status }).toEqual({ url, status: 200 });
        if (url.endsWith('.css')) {
          const urls = [...String(asset.body).matchAll(/url\(\s*['"]?([^'")]+)/g)].map((m) => m[1]);
          for (const ref of urls) {
            const allowed = ref.startsWith('data:')
              ? img.includes('data:')
              : !/^[a-z]+:|^\/\//i.test(ref);
            expect({ ref: ref.slice(0, 40), allowed }).toEqual({
              ref: ref.slice(0, 40),
              allowed: true,
            });
          }
        }
      }
      // "Try it out" calls this origin; nothing may frame the page.
      expect(sourcesFor(policy, 'connect-src')).toEqual(["'self'"]);
      expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    });

    const inChromium = chromiumInstalled() ? it : it.skip;
    if (!chromiumInstalled())
      console.warn(
        `No Chromium at ${CHROMIUM} (set CHROMIUM): the in-browser CSP check is skipped.`,
      );

    inChromium(
      'renders in headless Chromium with no CSP violation',
      async () => {
        const port = await listenOnLoopback(testApp.app);
        const page = await loadInChromium(`http://127.0.0.1:${port}/docs`);
        expect(page.cspViolations).toEqual([]);
        // Swagger UI built the operations from the document: its scripts ran.
        expect(page.dom).toContain('data-path="/joint-ventures/{id}/history"');
      },
      90_000,
    );

    inChromium(
      '(the browser check itself sees a violation when there is one)',
      async () => {
        const server = createServer((_, response) =>
          response
            .writeHead(200, {
              'content-type': 'text/html',
              'content-security-policy': "script-src 'self'",
            })
            .end('<html><body><script>document.title = "inline"</script></body></html>'),
        );
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
          const { port } = server.address() as AddressInfo;
          const page = await loadInChromium(`http://127.0.0.1:${port}/`);
          expect(page.cspViolations).toEqual([expect.stringContaining("script-src 'self'")]);
        } finally {
          server.close();
        }
      },
      90_000,
    );

    it('is public, like the OpenAPI document', async () => {
      for (const url of ['/docs', '/docs/swagger-ui-init.js', '/docs-json'])
        expect((await testApp.raw({ method: 'GET', url })).status).toBe(200);
    });
  });
});

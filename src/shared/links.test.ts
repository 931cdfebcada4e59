import { describe, expect, it } from 'vitest';
import { findLinks, webDomain } from './links';

describe('findLinks', () => {
  it('finds web links with their ranges and domains, leaving trailing punctuation out', () => {
    const text = 'Look: https://www.youtube.com/watch?v=dQw4w9WgXcQ. And (www.example.org/a)!';
    const links = findLinks(text);
    expect(links.map((l) => [l.text, l.url, l.domain])).toEqual([
      [
        'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
        'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
        'youtube.com',
      ],
      ['www.example.org/a', 'http://www.example.org/a', 'example.org'],
    ]);
    for (const l of links) expect(text.slice(l.start, l.end)).toBe(l.text);
  });

  it('opens nothing but http(s)', () => {
    expect(findLinks('ftp://files.example.com and mailto:a@b.c and file:///etc/passwd')).toEqual(
      [],
    );
    expect(findLinks('write to ana@example.com')).toEqual([]);
    expect(findLinks('')).toEqual([]);
  });

  it('reads links in any script around them', () => {
    const links = findLinks('انظر https://example.com/مرحبا شكرا');
    expect(links[0]?.domain).toBe('example.com');
  });
});

describe('webDomain', () => {
  it('gives the host of web URLs only', () => {
    expect(webDomain('https://www.github.com/x')).toBe('github.com');
    expect(webDomain('javascript:alert(1)')).toBeNull();
    expect(webDomain('not a url')).toBeNull();
  });
});

// Draws a shields.io endpoint badge (`{label, message, color}`) in HTML, so the page needs no request to shields.io.

// shields.io's named colours; any other value is taken as a CSS hex colour.
const NamedColors = {
  brightgreen: '#44cc11',
  success: '#44cc11',
  green: '#97ca00',
  yellowgreen: '#a4a61d',
  yellow: '#dfb317',
  orange: '#fe7d37',
  important: '#fe7d37',
  red: '#e05d44',
  critical: '#e05d44',
  blue: '#007ec6',
  informational: '#007ec6',
  grey: '#555555',
  gray: '#555555',
  lightgrey: '#9f9f9f',
  lightgray: '#9f9f9f',
  inactive: '#9f9f9f',
};

/** A badge element read as one phrase ("widgets: v1.2.0") by screen readers, with white text at ≥ 4.5:1. */
export function renderBadge(badge) {
  const element = document.createElement('span');
  element.className = 'badge';
  element.setAttribute('role', 'img');
  element.setAttribute('aria-label', `${badge.label}: ${badge.message}`);
  element.title = `Latest published version: ${badge.message}`;
  const label = document.createElement('span');
  label.className = 'badge-label';
  label.textContent = badge.label;
  const message = document.createElement('span');
  message.className = 'badge-message';
  message.textContent = badge.message;
  message.style.backgroundColor = readableBackground(badge.color);
  element.append(label, message);
  return element;
}

/** The badge colour as hex, darkened in steps until white text on it reaches 4.5:1. */
export function readableBackground(color) {
  const name = String(color).toLowerCase();
  // Own keys only: a colour named `constructor` must not find Object's.
  const named = Object.hasOwn(NamedColors, name) ? NamedColors[name] : String(color);
  let rgb = parseHex(named) ?? parseHex('#555555');
  while (contrastWithWhite(rgb) < 4.5) rgb = rgb.map((channel) => Math.floor(channel * 0.92));
  return `#${rgb.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}

function parseHex(text) {
  const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text.trim());
  if (!match) return undefined;
  const hex = match[1].length === 3 ? [...match[1]].map((c) => c + c).join('') : match[1];
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function contrastWithWhite(rgb) {
  const [r, g, b] = rgb.map((channel) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
}

/** What Atoll tells clients about itself. */

/** The version string (SELECT VERSION(), @@version, the handshake): MySQL-compatible prefix first. */
export const serverVersion = '8.0.36-atoll-0.1.0';

/** @@version_comment. */
export const versionComment = 'Atoll distributed SQL';

const jwt = require('jsonwebtoken');
const config = require('./config');

// Clients sign in with the auth provider; the page sends its access token as a Bearer token.
function requireAuth(req, res, next) {
  const header = req.get('authorization') || '';
  const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
  if (!token) {
    return res.status(401).json({ error: 'Please sign in first.' });
  }
  try {
    const claims = jwt.verify(token, config.jwtSecret, { algorithms: ['HS256'] });
    req.user = { id: claims.sub, email: claims.email };
    return next();
  } catch (err) {
    return res.status(401).json({ error: 'Your sign-in has expired. Please sign in again.' });
  }
}

module.exports = { requireAuth };

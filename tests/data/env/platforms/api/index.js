const express = require('express');

const app = express();
const mongo = process.env.MONGODB_URI;
const jwtSecret = process.env.JWT_SECRET;
const sentry = process.env.SENTRY_DSN;
const appUrl = process.env['APP_URL'];
const uploads = process.env.UPLOADS_ENABLED === '1';

app.get('/', (req, res) => res.json({ mongo: Boolean(mongo), jwt: Boolean(jwtSecret), sentry, appUrl, uploads }));
app.listen(process.env.PORT || 8080);

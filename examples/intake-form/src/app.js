const path = require('path');
const express = require('express');
const cors = require('cors');
const submissionsRouter = require('./routes/submissions');

const app = express();

app.use(cors());
app.use(express.json());
app.use(express.static(path.join(__dirname, '..', 'public')));

app.use('/api/submissions', submissionsRouter);

module.exports = app;

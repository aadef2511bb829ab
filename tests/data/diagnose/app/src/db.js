const mongoose = require('mongoose');

const MONGODB_URI = process.env.MONGODB_URI || 'mongodb://localhost:27017/notes';

async function connectDB() {
  await mongoose.connect(MONGODB_URI);
}

module.exports = { connectDB };

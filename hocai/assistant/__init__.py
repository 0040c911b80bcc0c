"""The course assistant (trợ giảng AI): answers participants' questions from the course's own material (issue 23).

passages → what is indexed; textnorm → Vietnamese terms; bm25 → scoring; index → cached index;
exercises → never the exercise keys; answer → the reply with its sources; stats → counts for trainers.
"""
